package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/sqlite"
)

// The agency trial's sizes and intervals: short, so the whole trial runs in
// well under a minute under -race.
const (
	agencyTrialMembers  = 300
	agencyTrialJoiners  = 20
	agencyTrialLeads    = 2 // per advertiser
	agencyTrialPoll     = time.Second
	agencyTrialDiscover = 2 * time.Second
	agencyTrialSecret   = "ks-agency-app-secret-R5tY8uJ2"
)

// agencyTrial is the Kuaishou simulator with agencies, a cluebot.yaml
// without a single token pointing at it, and the outputs of every cluebot
// process run, for the secrets check.
type agencyTrial struct {
	t        *testing.T
	sim      *sim.Server
	srvURL   string
	dir      string
	cfgPath  string
	listen   string // http.listen of `cluebot run`
	env      []string
	want     map[string]int64 // every lead id the simulator holds -> its advertiser
	secrets  map[string]bool
	outputs  []string
	daemon   *exec.Cmd
	dOut     *logSink
	dErr     *logSink
	dDone    chan error
	listCall atomic.Int64 // clue-list calls the simulator answered
	expireAt atomic.Int64 // the list call after which expiring's token expires
	expiring int64
}

// newAgencyTrial serves the simulator and writes cluebot.yaml: no YAML
// account, the OAuth redirect to the daemon's callback.
func newAgencyTrial(t *testing.T) *agencyTrial {
	t.Helper()
	tr := &agencyTrial{t: t, dir: t.TempDir(), want: map[string]int64{}, secrets: map[string]bool{agencyTrialSecret: true}}
	tr.sim = sim.New(sim.Options{AppID: 77, Secret: agencyTrialSecret, Seed: 14})
	srv := httptest.NewServer(tr.sim)
	t.Cleanup(srv.Close)
	tr.srvURL = srv.URL
	var hooked atomic.Int64
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hooked.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(hook.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	tr.listen = ln.Addr().String()
	require.NoError(t, ln.Close())
	cfg := fmt.Sprintf(`timezone: Asia/Shanghai
store:
  dsn: data/cluebot.db
kuaishou:
  base_url: %s
  app_id: 77
  secret: ${KS_APP_SECRET}
  page_size: 100
  qps: 0
  concurrency: 8
  poll_interval: %s
  discover_interval: %s
  lookback: 1m
  retry_backoff: 2ms
  retry_max: 20ms
  oauth:
    authorize_url: %s%s
    redirect_url: http://%s%s
http:
  listen: %s
log:
  level: debug
  format: json
receivers:
  sales: {type: webhook, url: "%s/hook"}
rules: rules.yaml
`, srv.URL, agencyTrialPoll, agencyTrialDiscover, srv.URL, sim.AuthorizePath, tr.listen, fetch.CallbackPath, tr.listen, hook.URL)
	tr.cfgPath = filepath.Join(tr.dir, "cluebot.yaml")
	require.NoError(t, os.WriteFile(tr.cfgPath, []byte(cfg), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(tr.dir, "rules.yaml"),
		[]byte("routes:\n  - name: all\n    receivers: [sales]\n"), 0o600))
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	tr.env = childEnviron("KS_APP_SECRET="+agencyTrialSecret, "CLUEBOT_SECRET_KEY="+base64.StdEncoding.EncodeToString(key))
	tr.sim.OnList(func(sim.ListRequest, int) {
		if tr.listCall.Add(1) == tr.expireAt.Load() {
			tr.sim.ExpireAgencyToken(tr.expiring)
		}
	})
	return tr
}

// expireAfter makes agency's access token expire after n more clue-list
// calls.
func (tr *agencyTrial) expireAfter(agency int64, n int) {
	tr.expiring = agency
	tr.expireAt.Store(tr.listCall.Load() + int64(n))
}

// simURL is the simulator's address.
func (tr *agencyTrial) simURL() string { return tr.srvURL }

// command runs one cluebot command as its own process and keeps its output.
func (tr *agencyTrial) command(args ...string) (int, string, string) {
	tr.t.Helper()
	code, out, errs := runChild(tr.t, tr.dir, tr.env, withConfig(tr.cfgPath, args...))
	tr.outputs = append(tr.outputs, args[0]+"\n"+out+errs) // args may hold a code
	return code, out, errs
}

// members adds an agency covering n advertisers from first on, each with
// agencyTrialLeads leads of the past day, and returns them.
func (tr *agencyTrial) members(agency, first int64, n int) []int64 {
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = first + int64(i)
	}
	tr.sim.AddAgency(agency, ids...)
	tr.addLeads(ids...)
	return ids
}

// addLeads gives each advertiser agencyTrialLeads leads of the past day.
func (tr *agencyTrial) addLeads(advertisers ...int64) {
	now := time.Now()
	tr.addLeadsIn(now.Add(-20*time.Hour), now.Add(-time.Minute), advertisers...)
}

// addLeadsIn gives each advertiser agencyTrialLeads leads created in
// [from, to).
func (tr *agencyTrial) addLeadsIn(from, to time.Time, advertisers ...int64) {
	for _, adv := range advertisers {
		for _, id := range tr.sim.Generate(adv, agencyTrialLeads, from, to) {
			tr.want[id] = adv
		}
	}
}

// keepTokens records the agencies' current tokens as secrets.
func (tr *agencyTrial) keepTokens(agencies ...int64) {
	for _, ag := range agencies {
		access, refresh, ok := tr.sim.AgencyTokens(ag)
		require.True(tr.t, ok)
		if access != "" {
			tr.secrets[access], tr.secrets[refresh] = true, true
		}
	}
}

// missing returns how many wanted leads of the given advertisers (all,
// when none is given) are not stored yet.
func (tr *agencyTrial) missing(st *sqlite.Store, of ...int64) int {
	tr.t.Helper()
	filters := []store.ClueFilter{{}}
	if len(of) > 0 {
		filters = filters[:0]
		for _, adv := range of {
			filters = append(filters, store.ClueFilter{AdvertiserID: adv})
		}
	}
	stored := map[string]bool{}
	for _, f := range filters {
		require.NoError(tr.t, st.IterateClues(context.Background(), f, func(c *store.Clue) error {
			stored[c.ID] = true
			return nil
		}))
	}
	n := 0
	for id, adv := range tr.want {
		if (len(of) == 0 || slices.Contains(of, adv)) && !stored[id] {
			n++
		}
	}
	return n
}

// waitStored waits until every wanted lead of the advertisers is stored and
// returns how long that took.
func (tr *agencyTrial) waitStored(st *sqlite.Store, timeout time.Duration, of ...int64) time.Duration {
	tr.t.Helper()
	start := time.Now()
	for {
		n := tr.missing(st, of...)
		if n == 0 {
			return time.Since(start)
		}
		if time.Since(start) > timeout {
			tr.t.Fatalf("%d leads still not stored after %s; daemon log tail:\n%s", n, timeout, tail(tr.dErr.String(), 3000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startDaemon starts `cluebot run` and waits until it answers /healthz.
func (tr *agencyTrial) startDaemon() {
	tr.t.Helper()
	tr.dOut, tr.dErr, tr.dDone = &logSink{}, &logSink{}, make(chan error, 1)
	tr.daemon = exec.Command(os.Args[0], "run", "-c", tr.cfgPath)
	tr.daemon.Dir, tr.daemon.Env, tr.daemon.Stdout, tr.daemon.Stderr = tr.dir, tr.env, tr.dOut, tr.dErr
	require.NoError(tr.t, tr.daemon.Start())
	go func() { tr.dDone <- tr.daemon.Wait() }()
	tr.t.Cleanup(func() { _ = tr.daemon.Process.Kill() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + tr.listen + "/healthz")
		if err == nil {
			resp.Body.Close()
			return
		}
		require.True(tr.t, time.Now().Before(deadline), "cluebot run did not serve http.listen: %v\n%s", err, tr.dErr.String())
		time.Sleep(50 * time.Millisecond)
	}
}

// waitLog waits until the daemon has logged text.
func (tr *agencyTrial) waitLog(text string, timeout time.Duration) {
	tr.t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(tr.dErr.String(), text) {
		require.True(tr.t, time.Now().Before(deadline), "cluebot run logged no %s within %s:\n%s", text, timeout,
			tail(tr.dErr.String(), 3000))
		time.Sleep(50 * time.Millisecond)
	}
}

// logged returns the daemon's JSON log lines whose msg is msg, from
// the n-th on, as maps.
func (tr *agencyTrial) logged(msg string) []map[string]any {
	tr.t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(tr.dErr.String(), "\n") {
		if !strings.Contains(line, `"msg":"`+msg+`"`) {
			continue
		}
		var m map[string]any
		require.NoError(tr.t, json.Unmarshal([]byte(line), &m), line)
		out = append(out, m)
	}
	return out
}

// logTime is a log line's time.
func logTime(t *testing.T, m map[string]any) time.Time {
	at, err := time.Parse(time.RFC3339Nano, m["time"].(string))
	require.NoError(t, err)
	return at
}

// stopDaemon sends SIGTERM and expects a clean exit.
func (tr *agencyTrial) stopDaemon() {
	tr.t.Helper()
	require.NoError(tr.t, tr.daemon.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-tr.dDone:
		require.NoError(tr.t, err, "clean stop; stderr tail:\n%s", tail(tr.dErr.String(), 2000))
	case <-time.After(20 * time.Second):
		tr.t.Fatal("cluebot run did not stop within 20s of SIGTERM")
	}
	tr.outputs = append(tr.outputs, "run\n"+tr.dOut.String()+tr.dErr.String())
}

// get fetches u, following redirects as a browser does, and keeps the page.
func (tr *agencyTrial) get(u string) (int, string, *url.URL) {
	tr.t.Helper()
	resp, err := http.Get(u)
	require.NoError(tr.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(tr.t, err)
	tr.outputs = append(tr.outputs, "GET "+resp.Request.URL.Path+"\n"+string(b)) // the query holds a code
	return resp.StatusCode, string(b), resp.Request.URL
}

// authList returns `cluebot auth list --json`.
func (tr *agencyTrial) authList() []map[string]any {
	tr.t.Helper()
	code, out, errs := tr.command("auth", "list", "--json")
	require.Equal(tr.t, 0, code, errs)
	var auths []map[string]any
	require.NoError(tr.t, json.Unmarshal([]byte(out), &auths))
	return auths
}

// noSecrets checks every output, log and page, and the store's files
// (tokens are sealed at rest), for every token the simulator issued, the
// codes and the app secret.
func (tr *agencyTrial) noSecrets() {
	tr.t.Helper()
	require.Greater(tr.t, len(tr.secrets), 6, "the app secret and three pairs at least")
	files, err := filepath.Glob(filepath.Join(tr.dir, "data", "*"))
	require.NoError(tr.t, err)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(tr.t, err)
		tr.outputs = append(tr.outputs, f+" (sealed tokens only)\n"+string(b))
	}
	for _, text := range tr.outputs {
		for s := range tr.secrets {
			if strings.Contains(text, s) {
				tr.t.Fatalf("a secret appears in this output:\n%s", tail(text, 2000))
			}
		}
	}
}
