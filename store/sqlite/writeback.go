package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/store"
)

// DueWriteBacks implements store.WriteBacks.
func (s *Store) DueWriteBacks(ctx context.Context, now time.Time, limit int) ([]store.WriteBack, error) {
	rows, err := s.read.QueryContext(ctx, `
SELECT m.clue_id, c.advertiser_id, m.status, m.at,
	CASE WHEN w.mark_at = m.at THEN w.attempts ELSE 0 END
FROM clue_marks m JOIN clues c ON c.id = m.clue_id
LEFT JOIN mark_writeback w ON w.clue_id = m.clue_id
WHERE w.clue_id IS NULL OR w.mark_at <> m.at OR (w.state = 'pending' AND w.next_at <= ?)
ORDER BY m.at, m.clue_id LIMIT ?`, toMillis(now), limit)
	if err != nil {
		return nil, fmt.Errorf("due write-backs: %w", err)
	}
	defer rows.Close()
	var out []store.WriteBack
	for rows.Next() {
		w := store.WriteBack{State: store.WriteBackPending}
		var at int64
		if err := rows.Scan(&w.ClueID, &w.AdvertiserID, &w.Status, &at, &w.Attempts); err != nil {
			return nil, fmt.Errorf("due write-backs: %w", err)
		}
		w.MarkAt = fromMillis(at)
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("due write-backs: %w", err)
	}
	return out, nil
}

// RecordWriteBack implements store.WriteBacks.
func (s *Store) RecordWriteBack(ctx context.Context, w store.WriteBack) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO mark_writeback
	(clue_id, mark_at, state, attempts, next_at, last_error) VALUES (?, ?, ?, ?, ?, ?)
	ON CONFLICT (clue_id) DO UPDATE SET mark_at = excluded.mark_at, state = excluded.state,
		attempts = excluded.attempts, next_at = excluded.next_at, last_error = excluded.last_error`,
		w.ClueID, toMillis(w.MarkAt), w.State, w.Attempts, toMillis(w.NextAt), w.LastError)
	s.wrote(ctx, err)
	if err != nil {
		return fmt.Errorf("record write-back of clue %s: %w", w.ClueID, err)
	}
	return nil
}

// WriteBackOf implements store.WriteBacks.
func (s *Store) WriteBackOf(ctx context.Context, clueID string) (store.WriteBack, error) {
	w := store.WriteBack{ClueID: clueID}
	var markAt, nextAt int64
	err := s.read.QueryRowContext(ctx, `SELECT c.advertiser_id, m.status, w.mark_at, w.state, w.attempts, w.next_at, w.last_error
	FROM mark_writeback w JOIN clues c ON c.id = w.clue_id JOIN clue_marks m ON m.clue_id = w.clue_id
	WHERE w.clue_id = ?`, clueID).Scan(&w.AdvertiserID, &w.Status, &markAt, &w.State, &w.Attempts, &nextAt, &w.LastError)
	if errors.Is(err, sql.ErrNoRows) {
		return w, fmt.Errorf("write-back of clue %s: %w", clueID, store.ErrNotFound)
	}
	if err != nil {
		return w, fmt.Errorf("write-back of clue %s: %w", clueID, err)
	}
	w.MarkAt, w.NextAt = fromMillis(markAt), fromMillis(nextAt)
	return w, nil
}
