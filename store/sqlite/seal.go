package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/cluebot/cluebot/store"
)

var _ store.Resealer = (*Store)(nil)

// ResealTokens implements store.Resealer in one transaction, synced to disk.
func (s *Store) ResealTokens(ctx context.Context, fn func(string) (string, error)) (int, error) {
	n := 0
	err := s.durableTx(ctx, func(tx *sql.Tx) error {
		for _, tt := range store.TokenTables {
			rows, err := tx.QueryContext(ctx, `SELECT `+tt.Key+`, access_token, refresh_token FROM `+tt.Table)
			if err != nil {
				return err
			}
			var pairs []store.StoredPair
			for rows.Next() {
				var p store.StoredPair
				if err := rows.Scan(&p.Key, &p.Access, &p.Refresh); err != nil {
					rows.Close()
					return err
				}
				p.What = fmt.Sprintf("%s %d", tt.What, p.Key)
				pairs = append(pairs, p)
			}
			if err := errors.Join(rows.Err(), rows.Close()); err != nil {
				return err
			}
			changed, err := store.ResealPairs(pairs, fn)
			if err != nil {
				return err
			}
			for _, p := range changed {
				if _, err := tx.ExecContext(ctx, `UPDATE `+tt.Table+` SET access_token = ?, refresh_token = ? WHERE `+
					tt.Key+` = ?`, p.Access, p.Refresh, p.Key); err != nil {
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
