package followup

import (
	"cmp"
	"context"
	"time"

	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/store"
)

// fire enqueues the due timers' reminders and escalations. A lead followed
// up is finished instead. The store returns only timers whose account was
// re-read after their due time, so nothing goes out on stale data.
func (j *Job) fire(ctx context.Context, rules *route.Rules, st *Stats) error {
	now := j.now()
	fs, err := j.store.DueFollowups(ctx, now, j.batch())
	if err != nil {
		return err
	}
	for i := range fs {
		f := &fs[i]
		at, done, err := j.followedUp(ctx, f.ClueID)
		if err != nil {
			return err
		}
		if done {
			if _, err := j.store.FinishFollowups(ctx, f.ClueID, at); err != nil {
				return err
			}
			st.Done++
			continue
		}
		send := store.FollowupSend{ClueID: f.ClueID, Route: f.Route, Kind: f.Kind(), Assignee: f.Assignee, At: now}
		if rt := rules.ByName(f.Route); rt != nil {
			send.Receivers = rt.Receivers
			if send.Kind == store.KindEscalation && rt.Followup != nil && rt.Followup.Escalate != nil {
				send.Receivers = rt.Followup.Escalate.Receivers
				send.SendAt = j.holdUntil(now, rt.Followup.Escalate.After)
			}
		}
		fired, err := j.store.FireFollowup(ctx, send)
		if err != nil {
			return err
		}
		switch {
		case !fired:
		case send.Kind == store.KindReminder:
			st.Reminders++
		default:
			st.Escalated++
		}
		if fired {
			j.log.Info("follow-up due", "kind", send.Kind, "clue_id", f.ClueID, "route", f.Route,
				"assignee", f.Assignee, "receivers", len(send.Receivers))
		}
	}
	return nil
}

// DefaultHold is how long escalations are held at most (Job.Hold when 0).
const DefaultHold = time.Minute

// holdUntil is when an escalation fired at now may go out: the end of the
// hold window now falls in. Windows are aligned on the clock, the same for
// every instance, and last Hold, but no more than a quarter of the route's
// escalate.after, so a short one is not held long. Escalations to the
// managers that come due in one window are thus due together, and the
// deliverer, which sends every due row of a kind to a receiver as one
// message as it does an alert digest, lists them in one escalation per
// receiver, grouped by assignee. Each stays its own outbox row, sent once.
func (j *Job) holdUntil(now time.Time, after time.Duration) time.Time {
	h := cmp.Or(j.Hold, DefaultHold)
	if after > 0 {
		h = min(h, after/4)
	}
	if h <= 0 {
		return now
	}
	return now.Truncate(h).Add(h)
}
