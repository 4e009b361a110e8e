package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
)

var _ store.Resealer = (*Store)(nil)

// ResealTokens implements store.Resealer in one transaction that locks the
// rows it reads: a refresh saving a new pair meanwhile waits, and its pair
// is sealed by the saver.
func (s *Store) ResealTokens(ctx context.Context, fn func(string) (string, error)) (int, error) {
	n := 0
	err := s.durableTx(ctx, func(tx pgx.Tx) error {
		for _, tt := range store.TokenTables {
			rows, _ := tx.Query(ctx, `SELECT `+tt.Key+`, access_token, refresh_token FROM `+tt.Table+
				` ORDER BY `+tt.Key+` FOR UPDATE`)
			pairs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.StoredPair, error) {
				var p store.StoredPair
				err := r.Scan(&p.Key, &p.Access, &p.Refresh)
				p.What = fmt.Sprintf("%s %d", tt.What, p.Key)
				return p, err
			})
			if err != nil {
				return err
			}
			changed, err := store.ResealPairs(pairs, fn)
			if err != nil {
				return err
			}
			for _, p := range changed {
				if _, err := tx.Exec(ctx, `UPDATE `+tt.Table+` SET access_token = $1, refresh_token = $2 WHERE `+
					tt.Key+` = $3`, p.Access, p.Refresh, p.Key); err != nil {
					return err
				}
			}
			n += len(changed)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
