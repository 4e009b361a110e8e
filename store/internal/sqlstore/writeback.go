package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/store"
)

// DueWriteBacks implements store.WriteBacks: the marks not yet written to
// the vendor, and those whose retry is due at now, oldest mark first.
func (s *Common) DueWriteBacks(ctx context.Context, now time.Time, limit int) ([]store.WriteBack, error) {
	p := s.d.Param
	rows, err := s.read.Query(ctx, `
SELECT m.clue_id, c.advertiser_id, m.status, m.at,
	CASE WHEN w.mark_at = m.at THEN w.attempts ELSE 0 END
FROM clue_marks m JOIN clues c ON c.id = m.clue_id
LEFT JOIN mark_writeback w ON w.clue_id = m.clue_id
WHERE w.clue_id IS NULL OR w.mark_at <> m.at OR (w.state = 'pending' AND w.next_at <= `+p(1)+`)
ORDER BY m.at, m.clue_id LIMIT `+p(2), s.d.Time(now), limit)
	if err != nil {
		return nil, fmt.Errorf("due write-backs: %w", err)
	}
	out, err := collect(rows, func(r Row, w *store.WriteBack) error {
		w.State = store.WriteBackPending
		return r.Scan(&w.ClueID, &w.AdvertiserID, &w.Status, s.d.ScanTime(&w.MarkAt), &w.Attempts)
	})
	if err != nil {
		return nil, fmt.Errorf("due write-backs: %w", err)
	}
	return out, nil
}

// RecordWriteBack implements store.WriteBacks.
func (s *Common) RecordWriteBack(ctx context.Context, w store.WriteBack) error {
	p := s.d.Param
	_, err := s.write.Exec(ctx, `INSERT INTO mark_writeback
	(clue_id, mark_at, state, attempts, next_at, last_error) VALUES (`+p(1)+`, `+p(2)+`, `+p(3)+`, `+
		p(4)+`, `+p(5)+`, `+p(6)+`)
	ON CONFLICT (clue_id) DO UPDATE SET mark_at = excluded.mark_at, state = excluded.state,
		attempts = excluded.attempts, next_at = excluded.next_at, last_error = excluded.last_error`,
		w.ClueID, s.d.Time(w.MarkAt), w.State, w.Attempts, s.d.Time(w.NextAt), w.LastError)
	if err != nil {
		return fmt.Errorf("record write-back of clue %s: %w", w.ClueID, err)
	}
	return nil
}

// WriteBackOf implements store.WriteBacks.
func (s *Common) WriteBackOf(ctx context.Context, clueID string) (store.WriteBack, error) {
	w := store.WriteBack{ClueID: clueID}
	err := s.read.QueryRow(ctx, `SELECT c.advertiser_id, m.status, w.mark_at, w.state, w.attempts, w.next_at, w.last_error
	FROM mark_writeback w JOIN clues c ON c.id = w.clue_id JOIN clue_marks m ON m.clue_id = w.clue_id
	WHERE w.clue_id = `+s.d.Param(1), clueID).Scan(&w.AdvertiserID, &w.Status, s.d.ScanTime(&w.MarkAt), &w.State,
		&w.Attempts, s.d.ScanTime(&w.NextAt), &w.LastError)
	if errors.Is(err, s.d.NoRows) {
		return w, fmt.Errorf("write-back of clue %s: %w", clueID, store.ErrNotFound)
	}
	if err != nil {
		return w, fmt.Errorf("write-back of clue %s: %w", clueID, err)
	}
	return w, nil
}
