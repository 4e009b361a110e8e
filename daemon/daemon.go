// Package daemon runs cluebot as a service (`cluebot run`): a gocron
// scheduler pulls every account each poll_interval, routes what is new and
// wakes the delivery worker, refreshes tokens ahead of expiry and writes the
// daily report (catching up a missed day); rules.yaml and the templates are
// reloaded when they change; /healthz, /readyz and /metrics are served. When
// its context ends it stops scheduling, lets work in flight finish within a
// grace period and returns nil.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/console"
	"github.com/cluebot/cluebot/metrics"
	"github.com/cluebot/cluebot/onboard"
)

// Options tune Run; the zero value runs on the real clock, serves
// http.listen and has no report job.
type Options struct {
	// Clock drives the schedule, the delivery ticker and readiness; nil is
	// the real clock. Tests pass a clockwork fake clock.
	Clock clockwork.Clock
	// Listener, when set, serves /healthz, /readyz and /metrics instead of
	// listening on Addr; Run closes it.
	Listener net.Listener
	// Addr overrides http.listen; when both are empty there is no HTTP server.
	Addr string
	// Report writes and delivers the daily report of day (the midnight that
	// starts it, in the configured zone). nil: no report job.
	Report func(ctx context.Context, day time.Time) error
	// Logger logs everything; nil uses the app's logger.
	Logger *slog.Logger
	// Metrics receives the daemon's numbers; nil makes a registry of its own.
	Metrics *metrics.Metrics
	// Grace is how long work in flight (a pull, a send, a report) may take
	// to finish once ctx ends before it is cancelled; default 4s.
	Grace time.Duration
	// ReloadDebounce is how long rules.yaml and the templates must be quiet
	// after a change before they are reloaded; default 500ms.
	ReloadDebounce time.Duration
}

// DefaultGrace is Options.Grace's default: with the scheduler's and the
// HTTP server's own stop, the daemon exits within about 7s of a SIGTERM.
const DefaultGrace = 4 * time.Second

// daemon is one running service.
type daemon struct {
	a     *app.App
	cfg   *config.Config
	opts  Options
	clock clockwork.Clock
	log   *slog.Logger
	m     *metrics.Metrics

	wake    chan struct{} // pokes the delivery worker
	health  pullHealth
	sched   gocron.Scheduler
	runs    map[string]*atomic.Int64 // finished runs per job, set up before start
	reports *reporter                // nil without a report job
	console *console.Console         // nil without console.users
	onboard *onboard.Onboarder       // the OAuth callback and discovery

	catchUpJob gocron.Job // the report catch-up, run after the first pull
	firstPull  sync.Once

	// workCtx is the context of jobs and sends: it outlives the caller's
	// context by the grace period, so work in flight can finish.
	workCtx    context.Context
	cancelWork context.CancelFunc
	jobs       sync.WaitGroup
	started    chan struct{} // closed once everything runs
	stopping   chan struct{} // closed when shutdown begins
	draining   chan struct{} // closed when only work in flight is left
}

// Run runs the daemon until ctx ends, then stops cleanly and returns nil.
// It returns an error only when it cannot start: a config problem (an
// *app.ConfigError, such as a bad report.schedule) or a listen failure.
func Run(ctx context.Context, a *app.App, opts Options) error {
	d, err := newDaemon(a, opts)
	if err != nil {
		return err
	}
	return d.run(ctx)
}

// newDaemon wires a daemon: metrics, the observed deliverer, the reporter
// and the scheduler with its jobs; nothing runs yet.
func newDaemon(a *app.App, opts Options) (*daemon, error) {
	if opts.Clock == nil {
		opts.Clock = clockwork.NewRealClock()
	}
	if opts.Logger == nil {
		opts.Logger = a.Log
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Grace <= 0 {
		opts.Grace = DefaultGrace
	}
	if opts.ReloadDebounce <= 0 {
		opts.ReloadDebounce = 500 * time.Millisecond
	}
	d := &daemon{a: a, cfg: a.Config, opts: opts, clock: opts.Clock, log: opts.Logger, m: opts.Metrics,
		wake: make(chan struct{}, 1), runs: map[string]*atomic.Int64{},
		started: make(chan struct{}), stopping: make(chan struct{}), draining: make(chan struct{})}
	if d.m == nil {
		d.m = metrics.New(a.Store, d.clock.Now, d.log)
	}
	d.m.Accounts(d.cfg.Kuaishou.Accounts)
	d.onboard = a.Onboarder()
	d.onboard.Log, d.onboard.Now = d.log.With("component", "onboard"), d.clock.Now
	if err := d.observe(); err != nil {
		return nil, err
	}
	if opts.Report != nil {
		r, err := newReporter(d)
		if err != nil {
			return nil, err
		}
		d.reports = r
	}
	var err error
	if d.sched, err = d.newScheduler(); err != nil {
		return nil, err
	}
	prev := a.Router.OnRouted
	a.Router.OnRouted = func(routes []string) {
		d.m.Routed(routes)
		if prev != nil {
			prev(routes)
		}
	}
	return d, nil
}

// run starts everything, waits for ctx to end and stops.
func (d *daemon) run(ctx context.Context) error {
	d.workCtx, d.cancelWork = context.WithCancel(context.WithoutCancel(ctx))
	defer d.cancelWork()
	srv, err := d.startHTTP()
	if err != nil {
		_ = d.sched.Shutdown()
		return err
	}
	stopWatch := d.startWatcher()
	stopWorker, workerDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(workerDone)
		d.deliveryLoop(stopWorker)
	}()
	d.sched.Start()
	d.log.Info("cluebot running", d.accountCounts(d.workCtx),
		"poll_interval", d.cfg.Kuaishou.PollInterval, "zone", d.cfg.Location.String(),
		"report", d.reports != nil, "http", srv != nil)
	close(d.started)

	<-ctx.Done()
	close(d.stopping)
	d.log.Info("stopping: finishing work in flight", "grace", d.opts.Grace)
	hard := time.AfterFunc(d.opts.Grace, d.cancelWork)
	defer hard.Stop()
	// Work cancelled at the grace period gets 2s more to record its outcome.
	deadline, cancel := context.WithTimeout(context.Background(), d.opts.Grace+2*time.Second)
	defer cancel()
	stopWatch()
	close(stopWorker)
	if err := d.sched.ShutdownWithContext(deadline); err != nil {
		d.log.Warn("scheduler did not stop cleanly", "err", err)
	}
	close(d.draining)
	done := make(chan struct{})
	go func() {
		d.jobs.Wait()
		<-workerDone
		close(done)
	}()
	select {
	case <-done:
	case <-deadline.Done():
		d.log.Error("work in flight did not stop in time; exiting anyway")
	}
	d.stopHTTP(srv)
	d.log.Info("cluebot stopped")
	return nil
}

// accountCounts is the startup log's count of the accounts to pull: those
// of cluebot.yaml and of the store's authorizations, one in both counted
// once.
func (d *daemon) accountCounts(ctx context.Context) slog.Attr {
	yaml := len(d.cfg.Kuaishou.Accounts)
	accounts, err := d.a.Syncer.Accounts(ctx)
	if err != nil {
		d.log.Warn("the accounts of authorizations could not be counted; the pull reads them again", "err", err)
		return slog.Group("", "accounts", yaml, "config_accounts", yaml)
	}
	return slog.Group("", "accounts", len(accounts), "config_accounts", yaml, "authorized_accounts", len(accounts)-yaml)
}

// configError marks a problem with the config, so the command exits 2.
func configError(format string, a ...any) error {
	return &app.ConfigError{Err: fmt.Errorf(format, a...)}
}

// pullHealth remembers the last pull cycle for /readyz.
type pullHealth struct {
	mu      sync.Mutex
	lastOK  time.Time // daemon clock
	lastErr error
}

func (h *pullHealth) record(at time.Time, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lastErr = err
	if err == nil {
		h.lastOK = at
	}
}

func (h *pullHealth) get() (time.Time, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lastOK, h.lastErr
}

// errNoPull is the readiness reason before any pull succeeded.
var errNoPull = errors.New("no successful pull yet")
