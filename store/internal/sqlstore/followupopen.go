package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// openTimer is the condition of a timer still to fire, the partial index
// followups_account's (and followups_due's).
func (s *Common) openTimer() string {
	z := s.d.Zero
	return `f.scheduled = 1 AND f.done_at = ` + z + ` AND f.next_due > ` + z
}

// OpenFollowupClues implements store.Followups: one primary-key probe per id.
func (s *Common) OpenFollowupClues(ctx context.Context, clueIDs []string) ([]string, error) {
	if len(clueIDs) == 0 {
		return nil, nil
	}
	rows, err := s.read.Query(ctx, `SELECT DISTINCT f.clue_id FROM followups f WHERE f.clue_id `+
		s.d.AnyOf(s.d.Param(1))+` AND `+s.openTimer()+` ORDER BY f.clue_id`, s.d.Names(clueIDs))
	if err != nil {
		return nil, fmt.Errorf("open follow-ups of %d clues: %w", len(clueIDs), err)
	}
	ids, err := collect(rows, func(r Row, id *string) error { return r.Scan(id) })
	if err != nil {
		return nil, fmt.Errorf("open follow-ups of %d clues: %w", len(clueIDs), err)
	}
	return ids, nil
}

// ChangedOpenFollowups implements store.Followups: the open timers by the
// partial index followups_due, each joined to its clue.
func (s *Common) ChangedOpenFollowups(ctx context.Context, after string, limit int) ([]string, error) {
	p := s.d.Param
	rows, err := s.read.Query(ctx, `SELECT DISTINCT f.clue_id FROM followups f JOIN clues c ON c.id = f.clue_id
		WHERE `+s.openTimer()+` AND c.last_updated > f.sent_at AND f.clue_id > `+p(1)+
		` ORDER BY f.clue_id LIMIT `+p(2), after, limit)
	if err != nil {
		return nil, fmt.Errorf("changed open follow-ups: %w", err)
	}
	ids, err := collect(rows, func(r Row, id *string) error { return r.Scan(id) })
	if err != nil {
		return nil, fmt.Errorf("changed open follow-ups: %w", err)
	}
	return ids, nil
}

// OpenFollowupTimes implements store.Followups: the account's open timers
// by the partial index followups_account, each joined to its clue.
func (s *Common) OpenFollowupTimes(ctx context.Context, advertiserID int64, before time.Time) ([]time.Time, error) {
	p := s.d.Param
	rows, err := s.read.Query(ctx, `SELECT DISTINCT c.create_time FROM followups f JOIN clues c ON c.id = f.clue_id
		WHERE f.advertiser_id = `+p(1)+` AND `+s.openTimer()+` AND c.create_time < `+p(2)+` ORDER BY c.create_time`,
		advertiserID, s.d.Time(before))
	return s.times(rows, err, fmt.Sprintf("open follow-ups of account %d", advertiserID))
}

// StoredClueTimes implements store.Followups, by the index
// clues_advertiser_create_time.
func (s *Common) StoredClueTimes(ctx context.Context, advertiserID int64, from, to time.Time, limit int) ([]time.Time, error) {
	p := s.d.Param
	rows, err := s.read.Query(ctx, `SELECT create_time FROM clues WHERE advertiser_id = `+p(1)+
		` AND create_time >= `+p(2)+` AND create_time < `+p(3)+` ORDER BY create_time LIMIT `+p(4),
		advertiserID, s.d.Time(from), s.d.Time(to), limit)
	return s.times(rows, err, fmt.Sprintf("clue times of account %d", advertiserID))
}

// times collects a query's single time column.
func (s *Common) times(rows Rows, err error, op string) ([]time.Time, error) {
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	ts, err := collect(rows, func(r Row, t *time.Time) error { return r.Scan(s.d.ScanTime(t)) })
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return ts, nil
}
