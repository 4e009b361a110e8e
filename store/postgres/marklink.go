package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
)

// MarkLinkKey implements store.MarkLinks: the first key stored wins.
func (s *Store) MarkLinkKey(ctx context.Context, candidate []byte) ([]byte, error) {
	if len(candidate) != store.MarkLinkKeySize {
		return nil, fmt.Errorf("mark link key: candidate is %d bytes, want %d", len(candidate), store.MarkLinkKeySize)
	}
	var key []byte
	var err error
	// An insert that loses to one committing meanwhile does nothing, and
	// the statement's snapshot does not see the winner's row yet: no row
	// comes back. The next statement sees it.
	for range 3 {
		err = s.pool.QueryRow(ctx, `WITH ins AS (
			INSERT INTO mark_link_key (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING RETURNING key)
			SELECT key FROM ins UNION ALL SELECT key FROM mark_link_key WHERE id = 1 LIMIT 1`, candidate).Scan(&key)
		if !errors.Is(err, pgx.ErrNoRows) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("mark link key: %w", err)
	}
	return key, nil
}
