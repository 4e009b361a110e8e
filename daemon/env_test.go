package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/config"
	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/sim/robots"
)

const (
	testAdvertiser = int64(30000001)
	testAppID      = 4242
	testAppSecret  = "app-secret-for-tests"
	testPoll       = time.Minute
	wait           = 30 * time.Second // deadline of every wait for a condition: generous, for a loaded CI
)

// defaultRules sends every lead to the webhook receiver "sales".
const defaultRules = "routes:\n  - name: all\n    receivers: [sales]\n"

// env is a config in a temp dir pointing at the Kuaishou simulator (behind
// a gate) and the robot simulator, an App on a real SQLite store, and a
// fake clock.
type env struct {
	t      *testing.T
	dir    string
	ks     *sim.Server
	gate   *gate
	robots *robots.Server
	cfg    *config.Config
	app    *app.App
	clock  *clockwork.FakeClock
	logs   *syncBuffer
}

// envOptions vary an env; zero values take the defaults.
type envOptions struct {
	start time.Time     // the fake clock's start
	zone  string        // timezone
	poll  time.Duration // poll_interval
	rules string        // rules.yaml
	hook  http.Handler  // serves the webhook receiver "sales" instead of the robot simulator
	// baseURL is console.base_url: alerts carry mark links under it.
	baseURL string
	// templates are files of the templates directory, by name, written
	// before the app starts.
	templates map[string]string
}

func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	if o.start.IsZero() {
		o.start = time.Date(2025, 3, 10, 10, 0, 0, 0, time.UTC)
	}
	if o.zone == "" {
		o.zone = "Asia/Shanghai"
	}
	if o.poll == 0 {
		o.poll = testPoll
	}
	if o.rules == "" {
		o.rules = defaultRules
	}
	e := &env{t: t, dir: t.TempDir(), ks: sim.New(sim.Options{Seed: 7, AppID: testAppID, Secret: testAppSecret}), robots: robots.New(robots.Options{}),
		clock: clockwork.NewFakeClockAt(o.start), logs: &syncBuffer{}}
	e.ks.AddAccount(testAdvertiser, "tok-access-abcdef", "")
	e.gate = &gate{next: e.ks}
	t.Cleanup(func() {
		if t.Failed() || os.Getenv("CLUEBOT_TEST_LOG") != "" {
			t.Logf("daemon log:\n%s", e.logs.String())
		}
	})
	ks := httptest.NewServer(e.gate)
	t.Cleanup(ks.Close)
	t.Cleanup(e.gate.release) // before the server closes: it waits for held requests
	rs := httptest.NewServer(e.robots)
	t.Cleanup(rs.Close)
	hookURL := rs.URL + e.robots.AddWebhook("sales", "")
	if o.hook != nil {
		hs := httptest.NewServer(o.hook)
		t.Cleanup(hs.Close)
		hookURL = hs.URL + "/hook"
	}
	cfgText := fmt.Sprintf(`timezone: %s
store:
  dsn: data/cluebot.db
kuaishou:
  base_url: %s
  app_id: 4242
  secret: app-secret-for-tests
  poll_interval: %s
  qps: 0
  retries: 0
  timeout: 30s
  accounts:
    - advertiser_id: %d
      name: 郑州宝马
      access_token: tok-access-abcdef
receivers:
  sales:
    type: webhook
    url: %s
  group:
    type: dingtalk
    url: %s
rules: rules.yaml
templates: templates
report:
  out_dir: reports
`, o.zone, ks.URL, o.poll, testAdvertiser, hookURL, rs.URL+e.robots.AddDingTalk("tk", "", ""))
	cfg, err := config.Parse(filepath.Join(e.dir, "cluebot.yaml"), []byte(cfgText),
		func(string) (string, bool) { return "", false }, nil)
	require.NoError(t, err)
	cfg.Console.BaseURL = o.baseURL
	e.cfg = cfg
	e.writeFile("rules.yaml", o.rules)
	require.NoError(t, os.MkdirAll(filepath.Join(e.dir, "templates"), 0o755))
	for name, text := range o.templates {
		e.writeFile(filepath.Join("templates", name), text)
	}
	logger := slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.app, err = app.New(context.Background(), cfg, logger, app.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = e.app.Close() })
	return e
}

func (e *env) writeFile(name, content string) {
	e.t.Helper()
	require.NoError(e.t, os.WriteFile(filepath.Join(e.dir, name), []byte(content), 0o644))
}

// addClues puts n new clues into the simulated account.
func (e *env) addClues(n int) []string {
	now := time.Now()
	return e.ks.Generate(testAdvertiser, n, now.Add(-time.Hour), now.Add(-time.Minute))
}

// daemon builds a daemon without running it, for calling its parts.
func (e *env) daemon(opts Options) *daemon {
	e.t.Helper()
	opts.Clock = e.clock
	d, err := newDaemon(e.app, opts)
	require.NoError(e.t, err)
	d.workCtx, d.cancelWork = context.WithCancel(context.Background())
	e.t.Cleanup(d.cancelWork)
	e.t.Cleanup(func() { _ = d.sched.Shutdown() })
	return d
}

// start runs the daemon; the returned stop cancels it and returns Run's
// error. Cleanup stops it too.
func (e *env) start(opts Options) (*daemon, func() error) {
	e.t.Helper()
	opts.Clock = e.clock
	if opts.ReloadDebounce == 0 {
		opts.ReloadDebounce = 20 * time.Millisecond
	}
	d, err := newDaemon(e.app, opts)
	require.NoError(e.t, err)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- d.run(ctx) }()
	var once sync.Once
	var runErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-errc:
			case <-time.After(wait):
				e.t.Error("Run did not return after its context ended")
			}
		})
		return runErr
	}
	e.t.Cleanup(func() { _ = stop() })
	select {
	case <-d.started:
	case <-time.After(wait):
		e.t.Fatal("the daemon did not start")
	}
	return d, stop
}

func isConfigError(err error) bool { return app.IsConfigError(err) }
