package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
)

// The queries below spell state = 'pending' and state = 'dead' out, rather
// than binding them, so that the planner can use the partial indexes.
const (
	// receiversSQL lists the receivers with rows due and unleased at $1.
	receiversSQL = `SELECT DISTINCT receiver FROM outbox
		WHERE state = 'pending' AND next_at <= $1 AND lease_until <= $1 ORDER BY receiver`
	// claimSQL leases to $1 until $2 up to $5 rows of receiver $3 due and
	// unleased at $4. SKIP LOCKED passes over rows another claimer is
	// leasing right now; a row it leased and committed meanwhile fails the
	// lease_until recheck on its newest version.
	claimSQL = `UPDATE outbox SET lease_owner = $1, lease_until = $2
		WHERE id IN (SELECT id FROM outbox WHERE receiver = $3 AND state = 'pending'
			AND next_at <= $4 AND lease_until <= $4 ORDER BY next_at, id LIMIT $5 FOR UPDATE SKIP LOCKED)
		RETURNING ` + outboxColumns
	// statsSQL counts pending and dead rows and finds the oldest pending one.
	statsSQL = `SELECT
		(SELECT count(*) FROM outbox WHERE state = 'pending'),
		(SELECT min(created_at) FROM outbox WHERE state = 'pending'),
		(SELECT count(*) FROM outbox WHERE state = 'dead')`
)

// outboxColumns are the columns scanOutbox reads, in order.
const outboxColumns = `id, clue_id, route, receiver, assignee, state, attempts, next_at,
	last_error, created_at, sent_at, kind`

// scanOutbox reads a row of outboxColumns.
func scanOutbox(r pgx.CollectableRow) (store.OutboxItem, error) {
	var it store.OutboxItem
	err := r.Scan(&it.ID, &it.ClueID, &it.Route, &it.Receiver, &it.Assignee, &it.State, &it.Attempts,
		(*stamp)(&it.NextAt), &it.LastError, (*stamp)(&it.CreatedAt), (*stamp)(&it.SentAt), &it.Kind)
	return it, err
}

// OutboxReceivers lists, in name order, the receivers that have pending rows
// due at now and not leased.
func (s *Store) OutboxReceivers(ctx context.Context, now time.Time) ([]string, error) {
	rows, err := s.pool.Query(ctx, receiversSQL, stamp(now))
	if err != nil {
		return nil, fmt.Errorf("outbox receivers: %w", err)
	}
	receivers, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("outbox receivers: %w", err)
	}
	return receivers, nil
}

// ClaimOutbox leases up to c.Limit pending rows of c.Receiver that are due at
// c.Now and not leased (or whose lease has ended) to c.Owner until
// c.Now+c.Lease, and returns them by next_at, then id. Rows are picked FOR
// UPDATE SKIP LOCKED and leased in the same statement, so claimers in any
// number of processes never get the same row and never wait on each other.
// A non-positive c.Limit claims nothing.
func (s *Store) ClaimOutbox(ctx context.Context, c store.Claim) ([]store.OutboxItem, error) {
	if c.Limit <= 0 {
		return nil, nil
	}
	if c.Owner == "" || c.Lease <= 0 {
		return nil, fmt.Errorf("claim outbox of %s: owner and a positive lease must be set", c.Receiver)
	}
	rows, err := s.pool.Query(ctx, claimSQL, c.Owner, stamp(c.Now.Add(c.Lease)), c.Receiver, stamp(c.Now), c.Limit)
	if err != nil {
		return nil, fmt.Errorf("claim outbox of %s: %w", c.Receiver, err)
	}
	items, err := pgx.CollectRows(rows, scanOutbox)
	if err != nil {
		return nil, fmt.Errorf("claim outbox of %s: %w", c.Receiver, err)
	}
	slices.SortFunc(items, func(a, b store.OutboxItem) int { // RETURNING has no order
		if d := a.NextAt.Compare(b.NextAt); d != 0 {
			return d
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return items, nil
}

// updateOutbox runs set, an UPDATE's SET list whose arguments start at $2,
// on the rows with the given ids that match cond. The rows are locked in id
// order first, so that two calls on overlapping rows cannot deadlock; no
// ids is a no-op.
func (s *Store) updateOutbox(ctx context.Context, op string, ids []int64, set, cond string, args ...any) error {
	if len(ids) == 0 {
		return nil
	}
	query := `UPDATE outbox SET ` + set + ` WHERE ` + cond + ` AND id IN (SELECT id FROM outbox
		WHERE id = ANY ($1) AND ` + cond + ` ORDER BY id FOR NO KEY UPDATE)`
	if _, err := s.pool.Exec(ctx, query, append([]any{ids}, args...)...); err != nil {
		return fmt.Errorf("%s of %d outbox rows: %w", op, len(ids), err)
	}
	return nil
}

// MarkSent marks the pending rows among ids sent at at, counts the attempt,
// clears the last error and releases their lease. Rows no longer pending
// are left as they are.
func (s *Store) MarkSent(ctx context.Context, ids []int64, at time.Time) error {
	return s.updateOutbox(ctx, "mark sent", ids, `state = 'sent', sent_at = $2, attempts = attempts + 1,
		last_error = '', lease_owner = '', lease_until = '-infinity'`, `state = 'pending'`, stamp(at))
}

// MarkRetry counts a failed attempt of the pending rows among ids, records
// reason and makes them due again at next, unleased.
func (s *Store) MarkRetry(ctx context.Context, ids []int64, next time.Time, reason string) error {
	return s.updateOutbox(ctx, "mark retry", ids, `attempts = attempts + 1, next_at = $2, last_error = $3,
		lease_owner = '', lease_until = '-infinity'`, `state = 'pending'`, stamp(next), reason)
}

// MarkDead parks the pending rows among ids for good with reason, unleased,
// without counting an attempt.
func (s *Store) MarkDead(ctx context.Context, ids []int64, reason string) error {
	return s.updateOutbox(ctx, "mark dead", ids, `state = 'dead', last_error = $2,
		lease_owner = '', lease_until = '-infinity'`, `state = 'pending'`, reason)
}

// ReleaseOutbox ends the lease on the rows with the given ids and changes
// nothing else.
func (s *Store) ReleaseOutbox(ctx context.Context, ids []int64) error {
	return s.updateOutbox(ctx, "release", ids, `lease_owner = '', lease_until = '-infinity'`, `true`)
}

// OutboxItems lists the outbox rows of a clue by id; none for an unknown id.
func (s *Store) OutboxItems(ctx context.Context, clueID string) ([]store.OutboxItem, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE clue_id = $1 ORDER BY id`, clueID)
	if err != nil {
		return nil, fmt.Errorf("outbox items of clue %s: %w", clueID, err)
	}
	items, err := pgx.CollectRows(rows, scanOutbox)
	if err != nil {
		return nil, fmt.Errorf("outbox items of clue %s: %w", clueID, err)
	}
	return items, nil
}

// OutboxStats counts the pending rows, due or not, and the dead ones, and
// finds the oldest pending row's creation time, from one snapshot. The
// counts do not depend on now.
func (s *Store) OutboxStats(ctx context.Context, _ time.Time) (store.OutboxStats, error) {
	var st store.OutboxStats
	err := s.pool.QueryRow(ctx, statsSQL).Scan(&st.Pending, (*stamp)(&st.OldestPending), &st.Dead)
	if err != nil {
		return store.OutboxStats{}, fmt.Errorf("outbox stats: %w", err)
	}
	return st, nil
}
