package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
)

// DueWriteBacks implements store.WriteBacks.
func (s *Store) DueWriteBacks(ctx context.Context, now time.Time, limit int) ([]store.WriteBack, error) {
	rows, err := s.pool.Query(ctx, `
SELECT m.clue_id, c.advertiser_id, m.status, m.at,
	CASE WHEN w.mark_at = m.at THEN w.attempts ELSE 0 END
FROM clue_marks m JOIN clues c ON c.id = m.clue_id
LEFT JOIN mark_writeback w ON w.clue_id = m.clue_id
WHERE w.clue_id IS NULL OR w.mark_at <> m.at OR (w.state = 'pending' AND w.next_at <= $1)
ORDER BY m.at, m.clue_id LIMIT $2`, now, limit)
	if err != nil {
		return nil, fmt.Errorf("due write-backs: %w", err)
	}
	var out []store.WriteBack
	var w store.WriteBack
	_, err = pgx.ForEachRow(rows, []any{&w.ClueID, &w.AdvertiserID, &w.Status, (*stamp)(&w.MarkAt), &w.Attempts}, func() error {
		w.State = store.WriteBackPending
		out = append(out, w)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("due write-backs: %w", err)
	}
	return out, nil
}

// RecordWriteBack implements store.WriteBacks.
func (s *Store) RecordWriteBack(ctx context.Context, w store.WriteBack) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO mark_writeback
	(clue_id, mark_at, state, attempts, next_at, last_error) VALUES ($1, $2, $3, $4, $5, $6)
	ON CONFLICT (clue_id) DO UPDATE SET mark_at = excluded.mark_at, state = excluded.state,
		attempts = excluded.attempts, next_at = excluded.next_at, last_error = excluded.last_error`,
		w.ClueID, stamp(w.MarkAt), w.State, w.Attempts, stamp(w.NextAt), w.LastError)
	if err != nil {
		return fmt.Errorf("record write-back of clue %s: %w", w.ClueID, err)
	}
	return nil
}

// WriteBackOf implements store.WriteBacks.
func (s *Store) WriteBackOf(ctx context.Context, clueID string) (store.WriteBack, error) {
	w := store.WriteBack{ClueID: clueID}
	err := s.pool.QueryRow(ctx, `SELECT c.advertiser_id, m.status, w.mark_at, w.state, w.attempts, w.next_at, w.last_error
	FROM mark_writeback w JOIN clues c ON c.id = w.clue_id JOIN clue_marks m ON m.clue_id = w.clue_id
	WHERE w.clue_id = $1`, clueID).Scan(&w.AdvertiserID, &w.Status, (*stamp)(&w.MarkAt), &w.State, &w.Attempts,
		(*stamp)(&w.NextAt), &w.LastError)
	if errors.Is(err, pgx.ErrNoRows) {
		return w, fmt.Errorf("write-back of clue %s: %w", clueID, store.ErrNotFound)
	}
	if err != nil {
		return w, fmt.Errorf("write-back of clue %s: %w", clueID, err)
	}
	return w, nil
}
