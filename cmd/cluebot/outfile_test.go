package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/cluebot/cluebot/store/sqlite"
	"github.com/cluebot/cluebot/store/storetest"
)

// outRows is how many clues the --out trials store: enough that writing
// them takes the child process a moment, so the kill lands mid-write.
const outRows = 5_000

// outTrial is a config over a SQLite store of outRows clues collected on
// 2025-03-01 (Shanghai), for `report --out` and `export --out` run as
// separate processes that the test kills.
type outTrial struct {
	dir, cfgPath string
	env          []string
}

func newOutTrial(t *testing.T) *outTrial {
	t.Helper()
	tr := &outTrial{dir: t.TempDir()}
	st, err := sqlite.Open(context.Background(), filepath.Join(tr.dir, "data", "cluebot.db"), sqlite.Options{})
	require.NoError(t, err)
	for first := 0; first < outRows; first += 1000 {
		_, err := st.UpsertClues(context.Background(), storetest.BenchClues(first, 1000, 3))
		require.NoError(t, err)
	}
	require.NoError(t, st.Close())
	tr.cfgPath = filepath.Join(tr.dir, "cluebot.yaml")
	require.NoError(t, os.WriteFile(tr.cfgPath, []byte(`timezone: Asia/Shanghai
store:
  dsn: data/cluebot.db
kuaishou:
  app_id: 77
  secret: app-secret
  accounts:
    - {advertiser_id: 90000000001, name: 账户1, access_token: a-token, refresh_token: r-token}
receivers:
  ding: {type: dingtalk, url: "http://127.0.0.1:1/robot/send?access_token=x"}
rules: rules.yaml
report:
  out_dir: reports
`), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(tr.dir, "rules.yaml"), []byte("routes:\n  - {name: all, receivers: [ding]}\n"), 0o600))
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CLUEBOT_") {
			tr.env = append(tr.env, kv)
		}
	}
	tr.env = append(tr.env, childEnv+"=1")
	return tr
}

// start starts one cluebot command as a separate process.
func (tr *outTrial) start(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	full := append([]string{args[0], "-c", tr.cfgPath}, args[1:]...)
	cmd := exec.Command(os.Args[0], full...)
	var out bytes.Buffer
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = tr.dir, tr.env, &out, &out
	require.NoError(t, cmd.Start())
	return cmd, &out
}

// run runs one cluebot command to its end and requires it to succeed.
func (tr *outTrial) run(t *testing.T, args ...string) {
	t.Helper()
	cmd, out := tr.start(t, args...)
	require.NoError(t, cmd.Wait(), "%s: %s", strings.Join(args, " "), out)
}

// killMidWrite starts the command writing to path and kills it with SIGKILL
// as soon as it has begun writing: a temporary file appeared beside path, or
// path itself changed. It fails the test if the command ended first.
func (tr *outTrial) killMidWrite(t *testing.T, path string, args ...string) {
	t.Helper()
	before, err := os.Stat(path)
	require.NoError(t, err)
	cmd, out := tr.start(t, args...)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if writing(t, path, before) {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("%s ended before it began writing (%v): %s", args[0], err, out)
		default:
		}
		require.True(t, time.Now().Before(deadline), "%s never began writing", args[0])
		time.Sleep(time.Millisecond)
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	err = <-done
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "%s was still running when killed: %v\n%s", args[0], err, out)
	ws, ok := exit.Sys().(syscall.WaitStatus)
	require.True(t, ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL, "%s ended by itself (%v): kill it earlier\n%s", args[0], err, out)
}

// writing reports whether a write to path has begun.
func writing(t *testing.T, path string, before os.FileInfo) bool {
	if len(tmpFiles(t, filepath.Dir(path))) > 0 {
		return true
	}
	fi, err := os.Stat(path)
	return err != nil || fi.Size() != before.Size() || !fi.ModTime().Equal(before.ModTime())
}

// tmpFiles lists the temporary files cluebot writes in dir.
func tmpFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".cluebot-*.tmp"))
	require.NoError(t, err)
	return m
}

func TestKilledReportKeepsTheGoodFile(t *testing.T) {
	if testing.Short() {
		t.Skip("trial: real processes killed mid-write")
	}
	t.Parallel()
	tr := newOutTrial(t)
	path := filepath.Join(tr.dir, "out", "daily.xlsx")
	tr.run(t, "report", "--date", "2025-03-01", "--out", path)
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	requireReport(t, path)

	tr.killMidWrite(t, path, "report", "--date", "2025-03-01", "--out", path)
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, bytes.Equal(good, after), "the good report survives the kill (%d bytes, was %d)", len(after), len(good))
	stale := tmpFiles(t, filepath.Dir(path))
	require.NotEmpty(t, stale, "the kill left its temporary file: the next run must remove it")

	tr.run(t, "report", "--date", "2025-03-01", "--out", path)
	requireReport(t, path)
	require.Empty(t, tmpFiles(t, filepath.Dir(path)), "the next run removed %v", stale)
	t.Logf("report of %d rows, %d bytes: killed mid-write, the good file kept, %s removed by the next run", outRows, len(good), filepath.Base(stale[0]))
}

func TestKilledExportKeepsTheGoodFile(t *testing.T) {
	if testing.Short() {
		t.Skip("trial: real processes killed mid-write")
	}
	t.Parallel()
	tr := newOutTrial(t)
	path := filepath.Join(tr.dir, "leads.jsonl")
	args := []string{"export", "--from", "2025-03-01", "--to", "2025-03-02", "--out", path}
	tr.run(t, args...)
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, outRows, bytes.Count(good, []byte("\n")))

	tr.killMidWrite(t, path, args...)
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, bytes.Equal(good, after), "the good export survives the kill (%d bytes, was %d)", len(after), len(good))
	stale := tmpFiles(t, tr.dir)
	require.NotEmpty(t, stale)

	tr.run(t, args...)
	again, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, outRows, bytes.Count(again, []byte("\n")))
	require.Empty(t, tmpFiles(t, tr.dir), "the next run removed %v", stale)
}

// requireReport opens the report at path and finds every clue in 明细.
func requireReport(t *testing.T, path string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := f.Rows("明细")
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		n++
	}
	require.NoError(t, rows.Close())
	require.Equal(t, outRows+1, n, fmt.Sprintf("%s: header and every clue", path))
}
