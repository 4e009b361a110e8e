package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/cluebot/cluebot/store"
)

var _ store.AccountNameStore = (*Store)(nil)

// namesSchema is migration 8: imported account names.
const namesSchema = `
CREATE TABLE account_names (
	advertiser_id INTEGER PRIMARY KEY,
	name          TEXT NOT NULL
) WITHOUT ROWID;
`

// SetAccountNames implements store.AccountNameStore.
func (s *Store) SetAccountNames(ctx context.Context, names map[int64]string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO account_names (advertiser_id, name) VALUES (?, ?)
			ON CONFLICT (advertiser_id) DO UPDATE SET name = excluded.name`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for id, name := range names {
			if _, err := stmt.ExecContext(ctx, id, name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set account names: %w", err)
	}
	return nil
}

// AccountNames implements store.AccountNameStore.
func (s *Store) AccountNames(ctx context.Context) (map[int64]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT advertiser_id, name FROM account_names`)
	if err != nil {
		return nil, fmt.Errorf("account names: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("account names: %w", err)
		}
		out[id] = name
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("account names: %w", err)
	}
	return out, nil
}
