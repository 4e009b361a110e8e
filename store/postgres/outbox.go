package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/sqlstore"
)

// skipLocked makes a claim pass over rows another claimer is leasing right
// now; a row it leased and committed meanwhile fails the lease_until
// recheck on its newest version.
const skipLocked = ` FOR UPDATE SKIP LOCKED`

var (
	// receiversSQL lists the receivers with rows due and unleased at $1.
	receiversSQL = dialect.ReceiversSQL()
	// claimSQL leases to $1 until $2 up to $5 rows of receiver $3 due and
	// unleased at $4, picked FOR UPDATE SKIP LOCKED.
	claimSQL = dialect.ClaimSQL(skipLocked)
	// statsSQL counts pending and dead rows and finds the oldest pending one.
	statsSQL = sqlstore.StatsSQL
)

// outboxColumns are the columns scanOutbox reads, in order.
const outboxColumns = sqlstore.OutboxColumns

// scanOutbox reads a row of outboxColumns.
func scanOutbox(r pgx.CollectableRow) (store.OutboxItem, error) {
	var it store.OutboxItem
	err := dialect.ScanOutbox(r, &it)
	return it, err
}

// ClaimOutbox leases up to c.Limit pending rows of c.Receiver that are due at
// c.Now and not leased (or whose lease has ended) to c.Owner until
// c.Now+c.Lease, and returns them by next_at, then id. Rows are picked FOR
// UPDATE SKIP LOCKED and leased in the same statement, so claimers in any
// number of processes never get the same row and never wait on each other.
// A non-positive c.Limit claims nothing.
func (s *Store) ClaimOutbox(ctx context.Context, c store.Claim) ([]store.OutboxItem, error) {
	return dialect.ClaimOutbox(ctx, c, skipLocked, s.pooled())
}

// updateOutbox runs u on the rows with the given ids ($1) that match its
// condition. The rows are locked in id order first, so that two calls on
// overlapping rows cannot deadlock; no ids is a no-op.
func (s *Store) updateOutbox(ctx context.Context, ids []int64, u sqlstore.OutboxUpdate) error {
	if len(ids) == 0 {
		return nil
	}
	query := `UPDATE outbox SET ` + u.Set + ` WHERE ` + u.Cond + ` AND id IN (SELECT id FROM outbox
		WHERE id = ANY ($1) AND ` + u.Cond + ` ORDER BY id FOR NO KEY UPDATE)`
	run := func(fn func(tx pgx.Tx) error) error { return s.inTx(ctx, fn) }
	if u.Then == "" { // one statement needs no transaction of its own
		run = func(fn func(tx pgx.Tx) error) error {
			_, err := s.pool.Exec(ctx, query, append([]any{ids}, u.Args...)...)
			return err
		}
	}
	err := run(func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, query, append([]any{ids}, u.Args...)...); err != nil || u.Then == "" {
			return err
		}
		_, err := tx.Exec(ctx, strings.ReplaceAll(u.Then, "{ids}", "(SELECT unnest($1::bigint[]))"), ids)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s of %d outbox rows: %w", u.Op, len(ids), err)
	}
	return nil
}
