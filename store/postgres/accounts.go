package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
)

var _ store.AccountLeases = (*Store)(nil)

const (
	// addAccountsSQL gives the accounts $1 that have none a poll row, due
	// at once, in id order.
	addAccountsSQL = `INSERT INTO account_poll (advertiser_id) SELECT id FROM unnest($1::bigint[]) AS id
		ORDER BY id ON CONFLICT (advertiser_id) DO NOTHING`
	// claimAccountsSQL leases to $2 until $3 up to $5 of the accounts $1
	// that are due and free at $4, most overdue first. As ClaimOutbox's,
	// the rows are picked FOR UPDATE SKIP LOCKED and leased in the same
	// statement, so concurrent claimers never get the same account.
	claimAccountsSQL = `UPDATE account_poll SET lease_owner = $2, lease_until = $3
		WHERE advertiser_id IN (SELECT advertiser_id FROM account_poll
			WHERE advertiser_id = ANY ($1) AND next_poll_at <= $4 AND lease_until <= $4
			ORDER BY next_poll_at, advertiser_id LIMIT $5 FOR UPDATE SKIP LOCKED)
		RETURNING advertiser_id, next_poll_at`
)

// ClaimAccounts implements store.AccountLeases: it leases up to c.Limit of
// c.Accounts that are due (never polled, or their next poll time has come)
// and free (unleased, or the lease has ended) to c.Owner until
// c.Now+c.Lease, most overdue first, then by id. Instances claiming at once
// get disjoint accounts. A non-positive c.Limit or no accounts claims
// nothing.
func (s *Store) ClaimAccounts(ctx context.Context, c store.AccountClaim) ([]int64, error) {
	if c.Limit <= 0 || len(c.Accounts) == 0 {
		return nil, nil
	}
	if c.Owner == "" || c.Lease <= 0 {
		return nil, errors.New("claim accounts: owner and a positive lease are required")
	}
	if _, err := s.pool.Exec(ctx, addAccountsSQL, c.Accounts); err != nil {
		return nil, fmt.Errorf("claim accounts: add new accounts: %w", err)
	}
	rows, err := s.pool.Query(ctx, claimAccountsSQL, c.Accounts, c.Owner, stamp(c.Now.Add(c.Lease)),
		stamp(c.Now), c.Limit)
	if err != nil {
		return nil, fmt.Errorf("claim accounts: %w", err)
	}
	type due struct {
		id   int64
		next time.Time
	}
	claimed, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (due, error) {
		var d due
		err := r.Scan(&d.id, (*stamp)(&d.next))
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("claim accounts: %w", err)
	}
	slices.SortFunc(claimed, func(a, b due) int { // RETURNING has no order
		if d := a.next.Compare(b.next); d != 0 {
			return d
		}
		return cmp.Compare(a.id, b.id)
	})
	ids := make([]int64, len(claimed))
	for i, d := range claimed {
		ids[i] = d.id
	}
	return ids, nil
}
