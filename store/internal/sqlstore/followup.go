package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/store"
)

// StartFollowupsSQL starts a follow-up timer for each (clue, route) among
// the outbox rows {ids} whose alert is now sent; a timer already started
// is left as it is, so only the first alert to a route counts. The backend
// replaces {ids} with its set of the ids in argument 1.
const StartFollowupsSQL = `INSERT INTO followups (clue_id, route, advertiser_id, assignee, sent_at)
SELECT o.clue_id, o.route, c.advertiser_id, o.assignee, MIN(o.sent_at) FROM outbox o JOIN clues c ON c.id = o.clue_id
WHERE o.id IN {ids} AND o.kind = 'alert' AND o.state = 'sent'
GROUP BY o.clue_id, o.route, c.advertiser_id, o.assignee
ON CONFLICT DO NOTHING`

// followupColumns are the columns scanFollowup reads.
const followupColumns = `f.clue_id, f.advertiser_id, f.route, f.assignee, f.sent_at, f.scheduled,
	f.remind_due, f.escalate_due, f.done_at, f.reminded, f.escalated`

func (d *Dialect) scanFollowup(r Row, f *store.Followup) error {
	var scheduled, reminded, escalated int64
	err := r.Scan(&f.ClueID, &f.AdvertiserID, &f.Route, &f.Assignee, d.ScanTime(&f.SentAt), &scheduled,
		d.ScanTime(&f.RemindDue), d.ScanTime(&f.EscalateDue), d.ScanTime(&f.DoneAt), &reminded, &escalated)
	f.Scheduled, f.Reminded, f.Escalated = scheduled != 0, reminded != 0, escalated != 0
	return err
}

func (s *Common) followups(ctx context.Context, op, where string, args ...any) ([]store.Followup, error) {
	return s.queryFollowups(ctx, op, `SELECT `+followupColumns+` FROM followups f WHERE `+where, args...)
}

func (s *Common) queryFollowups(ctx context.Context, op, q string, args ...any) ([]store.Followup, error) {
	rows, err := s.read.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	all, err := collect(rows, s.d.scanFollowup)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return all, nil
}

// UnscheduledFollowups implements store.Followups.
func (s *Common) UnscheduledFollowups(ctx context.Context, limit int) ([]store.Followup, error) {
	return s.followups(ctx, "unscheduled follow-ups",
		`f.scheduled = 0 ORDER BY f.sent_at, f.clue_id, f.route LIMIT `+s.d.Param(1), limit)
}

// ScheduleFollowup implements store.Followups.
func (s *Common) ScheduleFollowup(ctx context.Context, clueID, route string, remind, escalate, done time.Time) error {
	p := s.d.Param
	var err error
	if remind.IsZero() && escalate.IsZero() {
		_, err = s.write.Exec(ctx, `DELETE FROM followups WHERE clue_id = `+p(1)+` AND route = `+p(2), clueID, route)
	} else {
		next := remind
		if next.IsZero() {
			next = escalate
		}
		if !done.IsZero() {
			next = time.Time{}
		}
		_, err = s.write.Exec(ctx, `UPDATE followups SET scheduled = 1, remind_due = `+p(3)+`, escalate_due = `+p(4)+
			`, next_due = `+p(5)+`, done_at = `+p(6)+`, reminded = `+p(7)+`, escalated = `+p(8)+
			` WHERE clue_id = `+p(1)+` AND route = `+p(2)+` AND scheduled = 0`,
			clueID, route, s.d.Time(remind), s.d.Time(escalate), s.d.Time(next), s.d.Time(done),
			flag(remind.IsZero()), flag(escalate.IsZero()))
	}
	if err != nil {
		return fmt.Errorf("schedule follow-up of clue %s on %s: %w", clueID, route, err)
	}
	return nil
}

// flag is a boolean as the followups table stores it.
func flag(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// DueFollowups implements store.Followups. Timers of accounts not re-read
// since they came due are left out, so they never fill the batch.
func (s *Common) DueFollowups(ctx context.Context, now time.Time, limit int) ([]store.Followup, error) {
	q, args := s.DueFollowupsSQL(now, limit)
	return s.queryFollowups(ctx, "due follow-ups", q, args...)
}

// DueFollowupsSQL is the statement of DueFollowups and its arguments, for
// the backends' benchmarks to explain.
func (s *Common) DueFollowupsSQL(now time.Time, limit int) (string, []any) {
	z := s.d.Zero
	return `SELECT ` + followupColumns + ` FROM followups f WHERE f.scheduled = 1 AND f.done_at = ` + z +
		` AND f.next_due > ` + z + ` AND f.next_due <= ` + s.d.Param(1) + ` AND EXISTS (SELECT 1 FROM sync_state a
			WHERE a.advertiser_id = f.advertiser_id AND a.last_success_at > f.next_due)
		ORDER BY f.next_due, f.clue_id, f.route LIMIT ` + s.d.Param(2), []any{s.d.Time(now), limit}
}

// ClueFollowups implements store.Followups.
func (s *Common) ClueFollowups(ctx context.Context, clueID string) ([]store.Followup, error) {
	return s.followups(ctx, "follow-ups of clue "+clueID, `f.clue_id = `+s.d.Param(1)+` ORDER BY f.route`, clueID)
}

// FinishFollowups implements store.Followups.
func (s *Common) FinishFollowups(ctx context.Context, clueID string, at time.Time) (int, error) {
	var n int64
	err := s.tx(ctx)(func(db DB) error {
		var err error
		n, err = s.finishFollowups(ctx, db, clueID, at)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("finish follow-ups of clue %s: %w", clueID, err)
	}
	return int(n), nil
}

// finishFollowups ends the clue's open timers at at, in db's transaction,
// and drops the reminders and escalations of the clue still waiting in the
// outbox (held back by pacing or by the escalations' hold window): a lead
// followed up is never reminded, even of a reminder already queued. A row a
// deliverer has in hand may still go out; its MarkSent then finds nothing.
func (s *Common) finishFollowups(ctx context.Context, db DB, clueID string, at time.Time) (int64, error) {
	p, z := s.d.Param, s.d.Zero
	n, err := db.Exec(ctx, `UPDATE followups SET done_at = `+p(2)+`, next_due = `+z+`
		WHERE clue_id = `+p(1)+` AND done_at = `+z, clueID, s.d.Time(at))
	if err != nil {
		return 0, err
	}
	_, err = db.Exec(ctx, `DELETE FROM outbox WHERE clue_id = `+p(1)+` AND state = 'pending'
		AND kind IN ('`+store.KindReminder+`', '`+store.KindEscalation+`')`, clueID)
	return n, err
}

// FireFollowup implements store.Followups.
func (s *Common) FireFollowup(ctx context.Context, f store.FollowupSend) (bool, error) {
	p, z := s.d.Param, s.d.Zero
	var mark string
	switch f.Kind {
	case store.KindReminder:
		mark = `reminded = 1, next_due = CASE WHEN escalated = 0 THEN escalate_due ELSE ` + z + ` END
			WHERE reminded = 0`
	case store.KindEscalation:
		mark = `reminded = 1, escalated = 1, next_due = ` + z + ` WHERE escalated = 0`
	default:
		return false, fmt.Errorf("fire follow-up of clue %s: kind %q is not a reminder or an escalation", f.ClueID, f.Kind)
	}
	sendAt := f.SendAt
	if sendAt.IsZero() {
		sendAt = f.At
	}
	fired := false
	err := s.tx(ctx)(func(db DB) error {
		n, err := db.Exec(ctx, `UPDATE followups SET `+mark+` AND done_at = `+z+` AND scheduled = 1
			AND clue_id = `+p(1)+` AND route = `+p(2), f.ClueID, f.Route)
		if err != nil || n == 0 {
			return err
		}
		fired = true
		for _, rc := range f.Receivers {
			if _, err := db.Exec(ctx, `INSERT INTO outbox (clue_id, route, receiver, assignee, next_at, created_at, kind)
				VALUES (`+p(1)+`, `+p(2)+`, `+p(3)+`, `+p(4)+`, `+p(5)+`, `+p(6)+`, `+p(7)+`) ON CONFLICT DO NOTHING`,
				f.ClueID, f.Route, rc, f.Assignee, s.d.Time(sendAt), s.d.Time(f.At), f.Kind); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("fire %s of clue %s on %s: %w", f.Kind, f.ClueID, f.Route, err)
	}
	return fired, nil
}

// FollowupStats implements store.Followups.
func (s *Common) FollowupStats(ctx context.Context, now time.Time) (store.FollowupStats, error) {
	z, at := s.d.Zero, s.d.Param(1)
	var st store.FollowupStats
	err := s.read.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN sent_at > `+s.d.Param(2)+
		` AND ((remind_due > `+z+` AND remind_due <= `+at+`) OR (escalate_due > `+z+` AND escalate_due <= `+at+
		`)) THEN 1 ELSE 0 END), 0) FROM followups WHERE scheduled = 1 AND done_at = `+z,
		s.d.Time(now), s.d.Time(now.Add(-store.OverdueFor))).Scan(&st.Open, &st.Overdue)
	if err != nil {
		return st, fmt.Errorf("follow-up stats: %w", err)
	}
	return st, nil
}

// HasOpenFollowups implements store.Followups: one probe of the partial
// index followups_account.
func (s *Common) HasOpenFollowups(ctx context.Context, advertiserID int64) (bool, error) {
	z := s.d.Zero
	var n int
	err := s.read.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM followups WHERE advertiser_id = `+s.d.Param(1)+
		` AND scheduled = 1 AND done_at = `+z+` AND next_due > `+z+` LIMIT 1) AS open`, advertiserID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("open follow-ups of account %d: %w", advertiserID, err)
	}
	return n > 0, nil
}
