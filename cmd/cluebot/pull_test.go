package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	sim "github.com/cluebot/cluebot/sim/kuaishou"
)

const (
	testAppSecret = "app-secret-zz9"
)

// trial is a simulated Kuaishou API and a config file pointing at it, the way
// a new user would set cluebot up.
type trial struct {
	sim     *sim.Server
	dir     string
	cfgPath string
	secrets []string
}

func newTrial(t *testing.T, faultRate float64, accounts int) *trial {
	t.Helper()
	s := sim.New(sim.Options{AppID: 77, Secret: testAppSecret, Seed: 11,
		Faults: sim.FaultConfig{Rate: faultRate, Kinds: []sim.Fault{sim.FaultHTTP500, sim.FaultHTTP503,
			sim.FaultBusy, sim.FaultTruncated, sim.FaultHTML}}})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	tr := &trial{sim: s, dir: t.TempDir(), secrets: []string{testAppSecret}}
	var b strings.Builder
	fmt.Fprintf(&b, "timezone: Asia/Shanghai\nstore:\n  dsn: data/cluebot.db\nkuaishou:\n  base_url: %s\n  app_id: 77\n  secret: ${KS_APP_SECRET}\n  page_size: 100\n  qps: 0\n  retry_backoff: 2ms\n  retry_max: 10ms\n  retries: 10\n  accounts:\n", srv.URL)
	for i := 0; i < accounts; i++ {
		id := int64(30000001 + i)
		access, refresh := fmt.Sprintf("tok-access-%d-abcdef", id), fmt.Sprintf("tok-refresh-%d-abcdef", id)
		s.AddAccount(id, access, refresh)
		tr.secrets = append(tr.secrets, access, refresh)
		fmt.Fprintf(&b, "    - advertiser_id: %d\n      name: 账户%d\n      access_token: %s\n      refresh_token: %s\n", id, i+1, access, refresh)
	}
	b.WriteString("rules: rules.yaml\n")
	tr.cfgPath = filepath.Join(tr.dir, "cluebot.yaml")
	require.NoError(t, os.WriteFile(tr.cfgPath, []byte(b.String()), 0o600))
	t.Setenv("KS_APP_SECRET", testAppSecret)
	return tr
}

// run runs one cluebot command and returns its exit code and output.
func (tr *trial) run(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), withConfig(tr.cfgPath, args...), &out, &errb)
	return code, out.String(), errb.String()
}

// runProcess runs one cluebot command as its own process, as a user would
// (the test binary acting as cluebot, -race included), and returns its exit
// code and output.
func (tr *trial) runProcess(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runChild(t, tr.dir, childEnviron("KS_APP_SECRET="+testAppSecret), withConfig(tr.cfgPath, args...))
}

func (tr *trial) noSecrets(t *testing.T, texts ...string) {
	t.Helper()
	for _, text := range texts {
		for _, s := range tr.secrets {
			require.NotContains(t, text, s)
		}
	}
}

func TestPullThenExportEveryClueOnce(t *testing.T) {
	tr := newTrial(t, 0.15, 3)
	now := time.Now()
	var want []string
	for i := 0; i < 3; i++ {
		want = append(want, tr.sim.Generate(int64(30000001+i), 400, now.Add(-20*time.Hour), now.Add(-time.Minute))...)
	}
	var calls atomic.Int64
	tr.sim.OnList(func(req sim.ListRequest, page int) {
		if n := calls.Add(1); n == 8 || n == 40 { // tokens expire twice
			for i := 0; i < 3; i++ {
				tr.sim.ExpireAccessToken(int64(30000001 + i))
			}
		}
	})
	var outputs []string
	for i := 0; i < 3; i++ {
		code, out, errs := tr.run("pull")
		require.Equal(t, 0, code, "pull %d: %s\n%s", i, out, errs)
		outputs = append(outputs, out, errs)
	}
	from := now.Add(-48 * time.Hour).In(time.FixedZone("CST", 8*3600)).Format(time.DateTime)
	to := now.Add(time.Hour).In(time.FixedZone("CST", 8*3600)).Format(time.DateTime)
	code, out, errs := tr.run("export", "--from", from, "--to", to)
	require.Equal(t, 0, code, errs)
	outputs = append(outputs, out, errs)
	tr.noSecrets(t, outputs...)

	var got []string
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &rec))
		id, ok := rec["id"].(string)
		require.True(t, ok, "id is a string: %v", rec["id"])
		require.IsType(t, "", rec["page_id"])
		for _, k := range []string{"advertiser_id", "user_name", "phone", "page_name", "intention_id", "intention",
			"source_type", "province", "city", "store", "create_time", "update_time", "form", "routes"} {
			require.Contains(t, rec, k)
		}
		got = append(got, id)
	}
	sort.Strings(got)
	sort.Strings(want)
	require.Equal(t, want, got, "every id exactly once")
	st := tr.sim.Stats()
	require.Positive(t, st.FaultsInjected())
	require.GreaterOrEqual(t, st.RefreshCalls, 3)
}

func TestExportCSVNeutralisesFormulas(t *testing.T) {
	tr := newTrial(t, 0, 1)
	created := time.Now().Add(-time.Hour).In(time.FixedZone("CST", 8*3600)).Format(time.DateTime)
	tr.sim.Add(30000001, map[string]any{"id": json.Number("1974516040085363860123"), "user_name": "=HYPERLINK(\"http://x\")",
		"phone": "+8615584418917", "page_name": "@SUM(A1)", "create_time": created, "update_time": created})
	code, out, errs := tr.run("pull")
	require.Equal(t, 0, code, out+errs)
	file := filepath.Join(tr.dir, "out.csv")
	code, _, errs = tr.run("export", "--format", "csv", "--out", file, "--from", "2000-01-01", "--to", "2100-01-01")
	require.Equal(t, 0, code, errs)
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 2)
	require.Equal(t, "id", rows[0][0])
	require.Equal(t, "1974516040085363860123", rows[1][0])
	require.Equal(t, `'=HYPERLINK("http://x")`, rows[1][3])
	require.Equal(t, "'+8615584418917", rows[1][4])
	require.Equal(t, "'@SUM(A1)", rows[1][6])
}

func TestUsageErrorsExit2(t *testing.T) {
	tr := newTrial(t, 0, 1)
	for name, args := range map[string][]string{
		"unknown command": {"frobnicate"},
		"bad flag":        {"pull", "--nope"},
		"bad time":        {"pull", "--from", "yesterday"},
		"export no range": {"export"},
		"bad format":      {"export", "--from", "2024-01-01", "--to", "2024-01-02", "--format", "xml"},
	} {
		t.Run(name, func(t *testing.T) {
			var out, errb bytes.Buffer
			full := args
			if args[0] != "frobnicate" {
				full = append([]string{args[0], "-c", tr.cfgPath}, args[1:]...)
			}
			require.Equal(t, 2, run(context.Background(), full, &out, &errb), errb.String())
		})
	}
	require.NoError(t, os.WriteFile(tr.cfgPath, []byte("kuaishou:\n  page_size: 9000\n  pagesize: 1\n"), 0o600))
	code, _, errs := tr.run("pull")
	require.Equal(t, 2, code)
	require.Contains(t, errs, "cluebot.yaml:2: kuaishou.page_size:")
	require.Contains(t, errs, "cluebot.yaml:3: kuaishou.pagesize: unknown key")
}

// TestExportTakesTheReportOptions exports as xlsx and jsonl with a config
// that names its accounts and asks for a form column: both come out as
// the daily report has them.
func TestExportTakesTheReportOptions(t *testing.T) {
	tr := newTrial(t, 0, 1)
	cfg, err := os.ReadFile(tr.cfgPath)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(tr.cfgPath, append(cfg, "report:\n  form_columns: [意向车型]\n"...), 0o600))
	created := time.Now().Add(-time.Hour).In(time.FixedZone("CST", 8*3600)).Format(time.DateTime)
	tr.sim.Add(30000001, map[string]any{"id": json.Number("1974516040085363860123"), "user_name": "王女士",
		"phone": "15584418917", "create_time": created, "update_time": created,
		"details": []any{map[string]any{"key": "意向车型", "value": "X3", "custom_id": "", "comp_type": "单选"}}})
	code, out, errs := tr.run("pull")
	require.Equal(t, 0, code, out+errs)
	span := []string{"--from", "2000-01-01", "--to", "2100-01-01"}

	file := filepath.Join(tr.dir, "out.xlsx")
	code, _, errs = tr.run(append([]string{"export", "--format", "xlsx", "--out", file}, span...)...)
	require.Equal(t, 0, code, errs)
	f, err := excelize.OpenFile(file)
	require.NoError(t, err)
	defer f.Close()
	rows, err := f.GetRows("明细")
	require.NoError(t, err)
	require.Len(t, rows, 2)
	at := func(title string) string {
		for i, h := range rows[0] {
			if h == title && i < len(rows[1]) {
				return rows[1][i]
			}
		}
		return ""
	}
	require.Equal(t, "账户1", at("账户"), "the account's configured name")
	require.Equal(t, "X3", at("意向车型"), "report.form_columns")

	code, out, errs = tr.run(append([]string{"export"}, span...)...)
	require.Equal(t, 0, code, errs)
	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rec))
	require.Equal(t, "账户1", rec["account"])
}
