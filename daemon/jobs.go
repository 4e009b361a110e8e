package daemon

import (
	"context"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/google/uuid"

	"github.com/cluebot/cluebot/dispatch"
	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/store"
)

// The scheduled jobs' names.
const (
	JobPull         = "pull"
	JobTokenRefresh = "token-refresh"
	JobReport       = "report"
	JobReportCatch  = "report-catch-up"
	JobRetention    = "retention"
	JobSilent       = "silent-accounts"
	JobDiscover     = "discover"
	// JobRulesFollow puts the store's newest rules version in force; every
	// instance runs it, each poll interval.
	JobRulesFollow = "rules-follow"
)

// Intervals of the jobs that are not configured.
const (
	tokenRefreshEvery = 5 * time.Minute
	retentionEvery    = time.Hour
	catchUpEvery      = 15 * time.Minute
	silentEvery       = time.Hour
)

// newScheduler builds the scheduler in the configured zone with every job.
// A panicking job is logged and counted; the process lives on.
func (d *daemon) newScheduler() (gocron.Scheduler, error) {
	s, err := gocron.NewScheduler(
		gocron.WithClock(d.clock),
		gocron.WithLocation(d.cfg.Location),
		gocron.WithLogger(d.log.With("component", "scheduler")),
		gocron.WithStopTimeout(d.opts.Grace+time.Second),
		gocron.WithGlobalJobOptions(gocron.WithEventListeners(gocron.AfterJobRunsWithPanic(d.jobPanicked))),
	)
	if err != nil {
		return nil, err
	}
	type job struct {
		name string
		def  gocron.JobDefinition
		run  func(ctx context.Context)
		now  bool // also run at start
	}
	jobs := []job{{JobPull, gocron.DurationJob(d.pullEvery()), d.pull, true},
		{JobRulesFollow, gocron.DurationJob(d.cfg.Kuaishou.PollInterval), d.followRules, false}}
	if d.a.Tokens != nil {
		jobs = append(jobs, job{JobTokenRefresh, gocron.DurationJob(tokenRefreshEvery), d.refreshTokens, false})
	}
	if d.cfg.Kuaishou.DiscoverInterval > 0 {
		jobs = append(jobs, job{JobDiscover, gocron.DurationJob(d.cfg.Kuaishou.DiscoverInterval), d.discover, true})
	}
	if _, ok := d.a.Store.(store.Retention); ok && d.cfg.Store.Retention > 0 {
		jobs = append(jobs, job{JobRetention, gocron.DurationJob(retentionEvery), d.retain, true})
	}
	if d.cfg.Kuaishou.SilentAfter > 0 {
		jobs = append(jobs, job{JobSilent, gocron.DurationJob(silentEvery), d.checkSilent, false})
	}
	if w := d.a.WriteBack(); w != nil {
		w.Now = d.clock.Now
		jobs = append(jobs, job{JobWriteBack, gocron.DurationJob(writeBackEvery), d.writeBack(w), false})
	}
	if d.reports != nil {
		jobs = append(jobs,
			job{JobReport, gocron.CronJob(d.cfg.Report.Schedule, false), d.reports.scheduled, false},
			job{JobReportCatch, gocron.DurationJob(catchUpEvery), d.reports.catchUp, false})
	}
	for _, j := range jobs {
		opts := []gocron.JobOption{gocron.WithName(j.name), gocron.WithSingletonMode(gocron.LimitModeReschedule)}
		if tl, ok := d.a.Store.(TryLocker); ok && j.name != JobPull && j.name != JobRulesFollow {
			// Instances sharing the store run these once between them; pulls
			// are split by account leases instead, and every instance
			// follows the rules.
			opts = append(opts, gocron.WithDistributedJobLocker(storeLocker{tl}))
		}
		if j.now {
			opts = append(opts, gocron.WithStartAt(gocron.WithStartImmediately()))
		}
		job, err := s.NewJob(j.def, d.task(j.name, j.run), opts...)
		if err != nil {
			_ = s.Shutdown()
			if j.name == JobReport {
				return nil, configError("report.schedule: %q is not a 5-field cron schedule: %w", d.cfg.Report.Schedule, err)
			}
			return nil, err
		}
		if j.name == JobReportCatch {
			d.catchUpJob = job
		}
	}
	return s, nil
}

// task runs fn with the work context, counted so shutdown can wait for it,
// and counts the job's finished runs. Nothing starts once shutdown has
// cancelled the work context.
func (d *daemon) task(name string, fn func(ctx context.Context)) gocron.Task {
	runs := &atomic.Int64{}
	d.runs[name] = runs
	return gocron.NewTask(func() {
		d.jobs.Add(1)
		defer d.jobs.Done()
		if d.workCtx.Err() != nil {
			return
		}
		start := time.Now()
		defer func() {
			runs.Add(1)
			d.m.JobRun(name, time.Since(start))
		}()
		fn(d.workCtx)
	})
}

// jobFailed logs a job's failure at error, unless shutdown cancelled ctx:
// work a stop cut short is no failure, so it is logged at info as "stopped
// mid-cycle" with the step (msg) and the error. args are more attributes.
func (d *daemon) jobFailed(ctx context.Context, msg string, err error, args ...any) {
	if ctx.Err() != nil {
		d.log.Info("stopped mid-cycle", append([]any{"step", msg, "err", err}, args...)...)
		return
	}
	d.log.Error(msg, append(args, "err", err)...)
}

// jobPanicked is called by gocron inside its recover, so the stack is the
// panicking job's.
func (d *daemon) jobPanicked(_ uuid.UUID, name string, recovered any) {
	d.m.JobPanic(name)
	d.log.Error("job panicked; it runs again at its next time", "job", name, "panic", recovered,
		"stack", string(debug.Stack()))
}

// pull syncs every account, routes what is new and wakes delivery, so
// alerts go out as soon as their leads are routed; when it pulls every
// account (no adaptive polling) it also routes as each account finishes. The first pull then
// looks for a missed report, which thus counts the leads that came in
// while the daemon was down.
func (d *daemon) pull(ctx context.Context) {
	defer d.firstPull.Do(d.startCatchUp)
	defer d.wakeDelivery()
	start := time.Now()
	var results []fetch.Result
	var err error
	var before dispatch.RouteStats // routed while the pull ran
	if ls, ok := d.a.Store.(fetch.LeaseStore); ok && d.adaptive() {
		// Accounts are leased, so instances sharing the store split them,
		// and polled adaptively: busy ones every poll_interval, quiet ones
		// less often, never staler than kuaishou.max_staleness.
		results, err = d.a.Syncer.SyncDue(ctx, ls, d.a.Owner)
	} else {
		// Every account is pulled, which at a low qps takes long: what is
		// stored is routed and sent as accounts finish.
		early := d.startEarlyRouting(ctx)
		results, err = d.a.Syncer.SyncAllEach(ctx, early.pulled)
		before = early.stop()
	}
	d.m.Pull(results, err, time.Since(start), d.clock.Now())
	d.health.record(d.clock.Now(), err)
	if err != nil {
		d.jobFailed(ctx, "pull failed", err)
	}
	rs, err := d.a.Router.RouteNew(ctx)
	rs.Routed, rs.Unrouted, rs.Enqueued = rs.Routed+before.Routed, rs.Unrouted+before.Unrouted, rs.Enqueued+before.Enqueued
	if err != nil {
		d.jobFailed(ctx, "routing failed; unrouted clues are retried next cycle", err)
	}
	fs, err := d.a.Followups.Run(ctx)
	if err != nil {
		d.jobFailed(ctx, "follow-up timers failed; retried next cycle", err)
	}
	if fs.Reminders+fs.Escalated > 0 {
		d.log.Info("follow-ups due", "reminders", fs.Reminders, "escalations", fs.Escalated)
	}
	fetched := 0
	for _, r := range results {
		fetched += r.Stats.Inserted
	}
	log := d.log.Debug
	if fetched > 0 || rs.Routed > 0 || rs.Unrouted > 0 {
		log = d.log.Info
	}
	log("pull cycle done", "new_clues", fetched, "routed", rs.Routed, "unrouted", rs.Unrouted,
		"alerts_queued", rs.Enqueued, "took", time.Since(start).Round(time.Millisecond))
}

// startCatchUp runs the report catch-up now (it then runs every 15m).
func (d *daemon) startCatchUp() {
	if d.catchUpJob == nil {
		return
	}
	if err := d.catchUpJob.RunNow(); err != nil {
		d.log.Warn("report catch-up not started; it runs at its next time", "err", err)
	}
}

// pullEvery is how often the pull job runs: every poll_interval, or when
// polling adaptively a tenth of it (at least 1s), since then each account
// has its own next poll time and one due just after a run must not wait a
// whole extra interval for the next.
func (d *daemon) pullEvery() time.Duration {
	if d.adaptive() {
		return max(time.Second, d.cfg.Kuaishou.PollInterval/10)
	}
	return d.cfg.Kuaishou.PollInterval
}

// adaptive reports whether pulls are leased and adaptive (app.Adaptive).
func (d *daemon) adaptive() bool { return d.a.Adaptive() }

// retain deletes the clues collected longer ago than store.retention, with
// their history and alerts: personal data is not kept past its use.
func (d *daemon) retain(ctx context.Context) {
	cut := d.clock.Now().Add(-d.cfg.Store.Retention)
	n, err := d.a.Store.(store.Retention).DeleteCluesBefore(ctx, cut)
	if err != nil {
		d.jobFailed(ctx, "retention: deleting old clues failed", err, "before", cut)
		return
	}
	if n > 0 {
		d.log.Info("retention: old clues deleted", "clues", n, "before", cut)
	}
}

// refreshTokens refreshes the access tokens that expire soon.
func (d *daemon) refreshTokens(ctx context.Context) {
	if err := d.a.Tokens.RefreshDue(ctx); err != nil {
		d.m.APIError("refresh", err)
		d.jobFailed(ctx, "token refresh failed", err)
	}
}

// checkSilent announces accounts that have had no clue for
// kuaishou.silent_after, once per silence.
func (d *daemon) checkSilent(ctx context.Context) {
	if n, err := d.a.CheckSilent(ctx, d.clock.Now()); err != nil {
		d.jobFailed(ctx, "checking for silent accounts failed", err)
	} else if n > 0 {
		d.log.Info("silent accounts announced", "accounts", n)
	}
}
