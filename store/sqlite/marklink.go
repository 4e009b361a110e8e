package sqlite

import (
	"context"
	"fmt"

	"github.com/cluebot/cluebot/store"
)

// MarkLinkKey implements store.MarkLinks: the first key stored wins.
func (s *Store) MarkLinkKey(ctx context.Context, candidate []byte) ([]byte, error) {
	if len(candidate) != store.MarkLinkKeySize {
		return nil, fmt.Errorf("mark link key: candidate is %d bytes, want %d", len(candidate), store.MarkLinkKeySize)
	}
	_, err := s.write.ExecContext(ctx, `INSERT INTO mark_link_key (id, key) VALUES (1, ?)
		ON CONFLICT (id) DO NOTHING`, candidate)
	s.wrote(ctx, err)
	if err != nil {
		return nil, fmt.Errorf("mark link key: store: %w", err)
	}
	var key []byte
	if err := s.write.QueryRowContext(ctx, `SELECT key FROM mark_link_key WHERE id = 1`).Scan(&key); err != nil {
		return nil, fmt.Errorf("mark link key: read: %w", err)
	}
	return key, nil
}
