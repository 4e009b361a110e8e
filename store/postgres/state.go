package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
)

// SaveToken creates or replaces the token of t.AdvertiserID, as given. A
// refresh token is single-use, so its transaction commits with
// synchronous_commit on whatever the server's default: once SaveToken
// returns, a crash cannot bring back the already rotated pair.
func (s *Store) SaveToken(ctx context.Context, t store.Token) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = on`); err != nil {
			return err
		}
		return dialect.WriteToken(ctx, conn{tx}, s.keys, t)
	})
	if err != nil {
		return fmt.Errorf("save token %d: %w", t.AdvertiserID, err)
	}
	return nil
}
