package sqlite

import (
	"context"
	"fmt"

	"github.com/cluebot/cluebot/store"
)

// SaveToken creates or replaces the token of t.AdvertiserID, as given. A
// refresh token is single-use, so unlike other writes this one is synced to
// disk before SaveToken returns (synchronous=FULL for its transaction): a
// power cut right after it cannot bring back the already rotated pair.
func (s *Store) SaveToken(ctx context.Context, t store.Token) error {
	err := s.saveToken(ctx, t)
	s.wrote(ctx, err) // once the write connection is back in the pool
	return err
}

func (s *Store) saveToken(ctx context.Context, t store.Token) error {
	c, err := s.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("save token %d: %w", t.AdvertiserID, err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `PRAGMA synchronous = FULL`); err != nil {
		return fmt.Errorf("save token %d: %w", t.AdvertiserID, err)
	}
	defer func() {
		// The token is saved either way; a connection left at FULL is only
		// slower, so this is worth a warning, not a failed save.
		if _, err := c.ExecContext(context.WithoutCancel(ctx), `PRAGMA synchronous = NORMAL`); err != nil {
			s.log.Warn("store: restore synchronous=NORMAL after saving a token", "err", err)
		}
	}()
	if err := dialect.WriteToken(ctx, conn{c}, s.keys, t); err != nil {
		return fmt.Errorf("save token %d: %w", t.AdvertiserID, err)
	}
	return nil
}
