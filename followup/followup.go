// Package followup runs the follow-up timers of issue 17: it schedules each
// lead's reminder and escalation from its route's followup when the lead's
// alert has gone out, and when one comes due, enqueues it to the outbox
// (kind reminder or escalation) unless the lead was followed up meanwhile.
// The timers live in the store (store.Followups), so they are shared by
// instances and fire once across restarts.
package followup

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/store"
)

// Store is what the job reads and writes.
type Store interface {
	store.Followups
	Clue(ctx context.Context, id string) (store.Clue, error)
	ClueHistory(ctx context.Context, id string) ([]store.HistoryEntry, error)
	Marks(ctx context.Context, clueIDs []string) (map[string]store.Mark, error)
}

// defaultBatch is how many timers one pass reads at a time.
const defaultBatch = 500

// Job schedules and fires follow-up timers; Run it every poll interval.
type Job struct {
	store Store
	rules *atomic.Pointer[route.Rules]
	now   func() time.Time
	log   *slog.Logger
	// Batch is how many timers a pass reads at a time (500 when 0).
	Batch int
	// Hold is the window escalations due together are held for so they go
	// out as one message per receiver (DefaultHold when 0; negative: none).
	Hold time.Duration

	swept   bool // the first run's sweep is done (see notice)
	mu      sync.Mutex
	pending map[string]struct{} // clues a pull saw change (see Changed)
}

// Stats counts what a run did.
type Stats struct {
	Scheduled int // timers given their due times
	Done      int // leads found followed up, their timers finished
	Reminders int // reminders enqueued
	Escalated int // escalations enqueued
}

// New returns a job over st with the rules of the moment in rules; now is
// its clock (time.Now when nil).
func New(st Store, rules *atomic.Pointer[route.Rules], logger *slog.Logger, now func() time.Time) *Job {
	if now == nil {
		now = time.Now
	}
	return &Job{store: st, rules: rules, now: now, log: logger}
}

func (j *Job) batch() int {
	if j.Batch > 0 {
		return j.Batch
	}
	return defaultBatch
}

// Run schedules the timers started since the last run, finishes those of
// the leads pulls saw followed up (Changed), then fires those due. A lead
// found followed up when its timer comes due is finished instead. A nil
// job does nothing.
func (j *Job) Run(ctx context.Context) (Stats, error) {
	var st Stats
	if j == nil {
		return st, nil
	}
	rules := j.rules.Load()
	if rules == nil {
		return st, nil
	}
	if err := j.schedule(ctx, rules, &st); err != nil {
		return st, err
	}
	if err := j.notice(ctx, &st); err != nil {
		return st, err
	}
	return st, j.fire(ctx, rules, &st)
}

// schedule gives each started timer its due times from its route's
// followup at the time the alert went out; a timer of a route without one
// is dropped, and a lead followed up before its alert went out is done.
func (j *Job) schedule(ctx context.Context, rules *route.Rules, st *Stats) error {
	for ctx.Err() == nil {
		fs, err := j.store.UnscheduledFollowups(ctx, j.batch())
		if err != nil || len(fs) == 0 {
			return err
		}
		for i := range fs {
			f := &fs[i]
			var dl route.Deadlines
			if rt := rules.ByName(f.Route); rt != nil {
				dl = rules.Deadlines(rt, f.SentAt)
			}
			var done time.Time
			if !dl.Remind.IsZero() || !dl.Escalate.IsZero() {
				at, ok, err := j.followedUp(ctx, f.ClueID)
				if err != nil {
					return err
				}
				if ok {
					done = at
					st.Done++
				}
			}
			if err := j.store.ScheduleFollowup(ctx, f.ClueID, f.Route, dl.Remind, dl.Escalate, done); err != nil {
				return err
			}
			st.Scheduled++
		}
		if len(fs) < j.batch() {
			return nil
		}
	}
	return ctx.Err()
}

// followedUp reports whether the lead was followed up, and when: marked in
// cluebot, or worked on at the vendor since cluebot first stored it.
func (j *Job) followedUp(ctx context.Context, id string) (time.Time, bool, error) {
	marks, err := j.store.Marks(ctx, []string{id})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("follow-up of clue %s: %w", id, err)
	}
	if m, ok := marks[id]; ok {
		return m.At, true, nil
	}
	c, err := j.store.Clue(ctx, id)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("follow-up of clue %s: %w", id, err)
	}
	hist, err := j.store.ClueHistory(ctx, id)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("follow-up of clue %s: %w", id, err)
	}
	at, ok := store.WorkedAt(hist, c.Status())
	return at, ok, nil
}
