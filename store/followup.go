package store

import (
	"context"
	"time"
)

// Followup is the follow-up timer of one lead on one route: started when the
// lead's alert to the route went out, scheduled by the follow-up job from
// the route's followup, done when the lead is followed up.
type Followup struct {
	ClueID       string
	AdvertiserID int64
	Route        string
	Assignee     string
	SentAt       time.Time // when the lead's alert to the route first went out
	Scheduled    bool      // the due times are set
	RemindDue    time.Time // zero: no reminder
	EscalateDue  time.Time // zero: no escalation
	DoneAt       time.Time // zero: not followed up yet
	Reminded     bool
	Escalated    bool
}

// Due is the next time the timer fires: the reminder's due time until the
// reminder is enqueued, then the escalation's; zero when nothing is left.
func (f *Followup) Due() time.Time {
	if !f.Reminded && !f.RemindDue.IsZero() {
		return f.RemindDue
	}
	if !f.Escalated && !f.EscalateDue.IsZero() {
		return f.EscalateDue
	}
	return time.Time{}
}

// Kind is the outbox kind the timer fires next: KindReminder or
// KindEscalation, "" when nothing is left.
func (f *Followup) Kind() string {
	switch {
	case !f.Reminded && !f.RemindDue.IsZero():
		return KindReminder
	case !f.Escalated && !f.EscalateDue.IsZero():
		return KindEscalation
	}
	return ""
}

// FollowupSend enqueues what a due timer fires: one outbox row of Kind per
// receiver, created At and due SendAt (At when zero), and the timer marked
// as fired, in one transaction.
type FollowupSend struct {
	ClueID    string
	Route     string
	Kind      string // KindReminder or KindEscalation
	Assignee  string
	Receivers []string
	At        time.Time
	// SendAt is when the rows may go out: escalations are held a little, so
	// those due together go out in one message (followup.Job.Hold).
	SendAt time.Time
}

// OverdueFor is how long after its alert went out a lead not followed up
// counts as overdue: 7 days, as long as its mark link (marklink.TTL) lets
// anyone mark it from the chat. Older ones stay in the report's 未跟进 but
// leave the gauge, which would otherwise only grow.
const OverdueFor = 7 * 24 * time.Hour

// FollowupStats counts the timers at a time, one per lead and route that
// asks for a follow-up (counting leads apart was 70 times slower at
// 100,000 open timers, for a case the shipped rules never make): Open are
// scheduled and not followed up; Overdue are those of them with a due time
// passed whose alert went out less than OverdueFor ago.
type FollowupStats struct {
	Open    int
	Overdue int
}

// Followups is the part of the store that keeps follow-up timers. MarkSent
// starts a timer for each (clue, route) whose alert it marks sent, the first
// time only.
type Followups interface {
	// UnscheduledFollowups returns up to limit timers started and not yet
	// scheduled, oldest first.
	UnscheduledFollowups(ctx context.Context, limit int) ([]Followup, error)
	// ScheduleFollowup sets a timer's due times (zero for none) and, when
	// done is not zero, marks it followed up at done. A timer with neither
	// due time is deleted: its route asks for no follow-up.
	ScheduleFollowup(ctx context.Context, clueID, route string, remind, escalate, done time.Time) error
	// DueFollowups returns up to limit scheduled timers not followed up whose
	// next due time is at or before now, by due time, and whose lead's
	// account was read successfully after that due time (the contract: a
	// reminder waits rather than go out on stale data).
	DueFollowups(ctx context.Context, now time.Time, limit int) ([]Followup, error)
	// FinishFollowups marks every open timer of the clue followed up at at;
	// it returns how many it marked.
	FinishFollowups(ctx context.Context, clueID string, at time.Time) (int, error)
	// FireFollowup enqueues s's rows and marks the timer's s.Kind fired, in
	// one transaction; it returns false, enqueueing nothing, when the timer
	// is followed up, fired that kind already, or does not exist.
	FireFollowup(ctx context.Context, s FollowupSend) (bool, error)
	// ClueFollowups returns a clue's timers by route.
	ClueFollowups(ctx context.Context, clueID string) ([]Followup, error)
	// HasOpenFollowups reports whether the account has leads with timers
	// still to fire: the adaptive scheduler polls it as hot.
	HasOpenFollowups(ctx context.Context, advertiserID int64) (bool, error)
	// OpenFollowupClues returns which of the clues have timers still to
	// fire, each once: a pull that saw them change has the job look at
	// those only.
	OpenFollowupClues(ctx context.Context, clueIDs []string) ([]string, error)
	// ChangedOpenFollowups returns, by id and after the id after, up to
	// limit clues with timers still to fire that changed after their alert
	// went out: what a new process looks at once, since the changes its
	// predecessor saw and had not acted on are no longer news to a pull.
	ChangedOpenFollowups(ctx context.Context, after string, limit int) ([]string, error)
	// OpenFollowupTimes returns the create times, ascending and each once,
	// of the account's leads with timers still to fire created before
	// before: those a pull re-reads beyond its lookback.
	OpenFollowupTimes(ctx context.Context, advertiserID int64, before time.Time) ([]time.Time, error)
	// StoredClueTimes returns the create times, ascending, of at most limit
	// of the account's stored clues created in [from, to): how many leads a
	// re-read of that range lists, to group the open ones into few calls.
	StoredClueTimes(ctx context.Context, advertiserID int64, from, to time.Time, limit int) ([]time.Time, error)
	// FollowupStats counts the open and overdue timers at now.
	FollowupStats(ctx context.Context, now time.Time) (FollowupStats, error)
}
