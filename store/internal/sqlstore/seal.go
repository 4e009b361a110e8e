package sqlstore

import (
	"context"
	"fmt"

	"github.com/cluebot/cluebot/store"
)

var _ store.Resealer = (*Common)(nil)

// ResealTokens implements store.Resealer in one durable transaction (see
// SetDurable) that locks the rows it reads where the Dialect has to
// (ForUpdate): a refresh saving a new pair meanwhile waits, and its pair is
// sealed by the saver.
func (s *Common) ResealTokens(ctx context.Context, fn func(string) (string, error)) (int, error) {
	p := s.d.Param
	n := 0
	err := s.durable(ctx)(func(db DB) error {
		for _, tt := range store.TokenTables {
			rows, err := db.Query(ctx, `SELECT `+tt.Key+`, access_token, refresh_token FROM `+tt.Table+
				` ORDER BY `+tt.Key+s.d.ForUpdate)
			if err != nil {
				return err
			}
			pairs, err := collect(rows, func(r Row, sp *store.StoredPair) error {
				err := r.Scan(&sp.Key, &sp.Access, &sp.Refresh)
				sp.What = fmt.Sprintf("%s %d", tt.What, sp.Key)
				return err
			})
			if err != nil {
				return err
			}
			changed, err := store.ResealPairs(pairs, fn)
			if err != nil {
				return err
			}
			for _, sp := range changed {
				if _, err := db.Exec(ctx, `UPDATE `+tt.Table+` SET access_token = `+p(1)+`, refresh_token = `+
					p(2)+` WHERE `+tt.Key+` = `+p(3), sp.Access, sp.Refresh, sp.Key); err != nil {
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
