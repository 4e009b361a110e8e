package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/cluebot/cluebot/store"
)

var _ store.AccountLeases = (*Store)(nil)

// ClaimAccounts implements store.AccountLeases in one IMMEDIATE transaction.
func (s *Store) ClaimAccounts(ctx context.Context, c store.AccountClaim) ([]int64, error) {
	if c.Limit <= 0 || len(c.Accounts) == 0 {
		return nil, nil
	}
	if c.Owner == "" || c.Lease <= 0 {
		return nil, errors.New("claim accounts: owner and a positive lease are required")
	}
	now := toMillis(c.Now)
	var got []int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ph := strings.Repeat("(?),", len(c.Accounts))
		args := make([]any, 0, len(c.Accounts)+3)
		for _, id := range c.Accounts {
			args = append(args, id)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO account_poll (advertiser_id) VALUES `+ph[:len(ph)-1]+
			` ON CONFLICT (advertiser_id) DO NOTHING`, args...); err != nil {
			return err
		}
		args = append(args, now, now, c.Limit)
		rows, err := tx.QueryContext(ctx, `SELECT advertiser_id FROM account_poll
			WHERE advertiser_id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(c.Accounts)), ",")+`)
			AND next_poll_at <= ? AND lease_until <= ?
			ORDER BY next_poll_at, advertiser_id LIMIT ?`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			got = append(got, id)
		}
		rows.Close()
		for _, id := range got {
			if _, err := tx.ExecContext(ctx, `UPDATE account_poll SET lease_owner = ?, lease_until = ? WHERE advertiser_id = ?`,
				c.Owner, toMillis(c.Now.Add(c.Lease)), id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim accounts: %w", err)
	}
	return got, nil
}
