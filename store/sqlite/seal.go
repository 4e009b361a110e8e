package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/cluebot/cluebot/store"
)

var _ store.Resealer = (*Store)(nil)

// tokenTables are the tables holding tokens, with their key column and the
// name of a row in errors.
var tokenTables = []struct{ table, key, what string }{
	{"tokens", "advertiser_id", "token"},
	{"authorizations", "id", "authorization"},
}

// ResealTokens implements store.Resealer in one transaction, synced to disk.
func (s *Store) ResealTokens(ctx context.Context, fn func(string) (string, error)) (int, error) {
	n := 0
	err := s.durableTx(ctx, func(tx *sql.Tx) error {
		for _, tt := range tokenTables {
			rows, err := tx.QueryContext(ctx, `SELECT `+tt.key+`, access_token, refresh_token FROM `+tt.table)
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
				p.What = fmt.Sprintf("%s %d", tt.what, p.Key)
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
				if _, err := tx.ExecContext(ctx, `UPDATE `+tt.table+` SET access_token = ?, refresh_token = ? WHERE `+
					tt.key+` = ?`, p.Access, p.Refresh, p.Key); err != nil {
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
