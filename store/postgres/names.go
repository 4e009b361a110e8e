package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
)

var (
	_ store.AccountNameStore = (*Store)(nil)
	_ store.WriteBacks       = (*Store)(nil) // from sqlstore.Common
)

// namesSchema is migration 8: imported account names.
const namesSchema = `
CREATE TABLE account_names (
	advertiser_id bigint PRIMARY KEY,
	name          text NOT NULL
);
`

// SetAccountNames implements store.AccountNameStore.
func (s *Store) SetAccountNames(ctx context.Context, names map[int64]string) error {
	ids := make([]int64, 0, len(names))
	vals := make([]string, 0, len(names))
	for id, n := range names {
		ids, vals = append(ids, id), append(vals, n)
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO account_names (advertiser_id, name)
			SELECT * FROM unnest($1::bigint[], $2::text[])
			ON CONFLICT (advertiser_id) DO UPDATE SET name = excluded.name`, ids, vals)
		return err
	})
	if err != nil {
		return fmt.Errorf("set account names: %w", err)
	}
	return nil
}

// AccountNames implements store.AccountNameStore.
func (s *Store) AccountNames(ctx context.Context) (map[int64]string, error) {
	rows, _ := s.pool.Query(ctx, `SELECT advertiser_id, name FROM account_names`)
	out := map[int64]string{}
	var id int64
	var name string
	if _, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error { out[id] = name; return nil }); err != nil {
		return nil, fmt.Errorf("account names: %w", err)
	}
	return out, nil
}
