package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"

	"github.com/cluebot/cluebot/atomicfile"
)

// StateFile, in report.out_dir, remembers the last report day the daemon
// wrote and delivered, so a day missed while it was down is caught up.
const StateFile = ".cluebot-report-state.json"

// A missed day is tried at most maxCatchUps times, an hour apart, so a
// broken receiver is not sent the same report every 15 minutes.
const (
	maxCatchUps     = 3
	catchUpInterval = time.Hour
)

// reporter runs the daily report on schedule and catches up a missed day.
type reporter struct {
	d    *daemon
	run  func(ctx context.Context, day time.Time) error
	dir  string
	loc  *time.Location
	cron gocron.Cron

	mu    sync.Mutex // one report at a time
	tries map[string]*attempt
}

// attempt counts the runs of one report day.
type attempt struct {
	n    int
	last time.Time
}

type reportState struct {
	LastDay   string    `json:"last_report_day"` // YYYY-MM-DD
	WrittenAt time.Time `json:"written_at"`
}

func newReporter(d *daemon) (*reporter, error) {
	c := gocron.NewDefaultCron(false)
	if err := c.IsValid(d.cfg.Report.Schedule, d.cfg.Location, d.clock.Now()); err != nil {
		return nil, configError("report.schedule: %q is not a 5-field cron schedule: %w", d.cfg.Report.Schedule, err)
	}
	return &reporter{d: d, run: d.opts.Report, dir: d.cfg.Report.OutDir, loc: d.cfg.Location, cron: c,
		tries: map[string]*attempt{}}, nil
}

// dayBefore is the midnight starting the day before t's date in loc.
func dayBefore(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d-1, 0, 0, 0, 0, loc)
}

// scheduled is the cron job: yesterday's report.
func (r *reporter) scheduled(ctx context.Context) {
	r.report(ctx, dayBefore(r.d.clock.Now(), r.loc), false)
}

// catchUp runs the report that the latest scheduled time called for when
// it has not been written (the daemon was down then, or it failed).
func (r *reporter) catchUp(ctx context.Context) {
	if day, ok := r.dueDay(r.d.clock.Now()); ok {
		r.report(ctx, day, true)
	}
}

// dueDay is the report day of the latest scheduled time at or before now.
func (r *reporter) dueDay(now time.Time) (time.Time, bool) {
	for _, back := range []time.Duration{25 * time.Hour, 8 * 24 * time.Hour, 32 * 24 * time.Hour, 367 * 24 * time.Hour} {
		var last time.Time
		for t := r.cron.Next(now.Add(-back)); !t.IsZero() && !t.After(now); t = r.cron.Next(t) {
			last = t
		}
		if !last.IsZero() {
			return dayBefore(last, r.loc), true
		}
	}
	return time.Time{}, false
}

// report runs day's report unless it was done; a catch-up also respects the
// retry limits.
func (r *reporter) report(ctx context.Context, day time.Time, catchUp bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := day.Format(time.DateOnly)
	log := r.d.log.With("date", key)
	if r.done(day) {
		log.Debug("daily report already written")
		return
	}
	now := r.d.clock.Now()
	a := r.tries[key]
	if a == nil {
		a = &attempt{}
		r.tries[key] = a
	}
	if catchUp && a.n > 0 && (a.n >= maxCatchUps || now.Sub(a.last) < catchUpInterval) {
		return
	}
	a.n++
	a.last = now
	why := "schedule"
	if catchUp {
		why = "catch-up"
	}
	log.Info("writing the daily report", "why", why, "attempt", a.n)
	start := time.Now()
	err := r.run(ctx, day)
	r.d.m.Report(err, time.Since(start))
	if err != nil && ctx.Err() != nil {
		log.Info("stopped mid-cycle", "step", "daily report", "err", err, "attempt", a.n)
		return
	}
	if err != nil {
		log.Error("daily report failed", "err", err, "attempt", a.n)
		return
	}
	if err := r.saveState(key, now); err != nil {
		log.Error("daily report done but its state was not saved; it may be written again", "err", err)
		return
	}
	log.Info("daily report done", "took", time.Since(start).Round(time.Millisecond))
}

// done reports whether day's report was written: by the state file, or,
// without one (first start), by the report file being there.
func (r *reporter) done(day time.Time) bool {
	key := day.Format(time.DateOnly)
	st, err := r.readState()
	if err == nil {
		return st.LastDay >= key
	}
	if !errors.Is(err, fs.ErrNotExist) {
		r.d.log.Warn("report state unreadable; checking for the report file", "err", err)
	}
	// The file name report.FileName gives the daily report.
	_, err = os.Stat(filepath.Join(r.dir, "cluebot-"+key+".xlsx"))
	return err == nil
}

func (r *reporter) readState() (reportState, error) {
	var st reportState
	data, err := os.ReadFile(filepath.Join(r.dir, StateFile))
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return st, fmt.Errorf("decode %s: %w", StateFile, err)
	}
	return st, nil
}

// saveState records day as the last report written, atomically.
func (r *reporter) saveState(day string, at time.Time) error {
	if st, err := r.readState(); err == nil && st.LastDay > day {
		return nil // a later day was already written (a catch-up of an older one)
	}
	data, err := json.Marshal(reportState{LastDay: day, WrittenAt: at})
	if err != nil {
		return err
	}
	err = atomicfile.Write(filepath.Join(r.dir, StateFile), func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return fmt.Errorf("save report state: %w", err)
	}
	return nil
}
