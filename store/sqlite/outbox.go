package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/cluebot/cluebot/store"
)

// The queries below spell state = 'pending' and state = 'dead' out, rather
// than binding them, so that SQLite can use the partial indexes on them.
const (
	// receiversSQL lists the receivers with rows due and unleased at ?1.
	receiversSQL = `SELECT DISTINCT receiver FROM outbox
		WHERE state = 'pending' AND next_at <= ?1 AND lease_until <= ?1 ORDER BY receiver`
	// claimSQL leases to ?1 until ?2 up to ?5 rows of receiver ?3 due and
	// unleased at ?4.
	claimSQL = `UPDATE outbox SET lease_owner = ?1, lease_until = ?2
		WHERE id IN (SELECT id FROM outbox WHERE receiver = ?3 AND state = 'pending'
			AND next_at <= ?4 AND lease_until <= ?4 ORDER BY next_at, id LIMIT ?5)
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

// scanOutbox reads a row of outboxColumns into it.
func scanOutbox(r rowScanner, it *store.OutboxItem) error {
	var next, created, sent int64
	err := r.Scan(&it.ID, &it.ClueID, &it.Route, &it.Receiver, &it.Assignee, &it.State, &it.Attempts,
		&next, &it.LastError, &created, &sent, &it.Kind)
	if err != nil {
		return err
	}
	it.NextAt, it.CreatedAt, it.SentAt = fromMillis(next), fromMillis(created), fromMillis(sent)
	return nil
}

// collectOutbox scans every row of rows, closing them.
func collectOutbox(rows *sql.Rows) ([]store.OutboxItem, error) {
	defer rows.Close()
	var items []store.OutboxItem
	for rows.Next() {
		var it store.OutboxItem
		if err := scanOutbox(rows, &it); err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, rows.Err()
}

// OutboxReceivers lists, in name order, the receivers that have pending rows
// due at now and not leased.
func (s *Store) OutboxReceivers(ctx context.Context, now time.Time) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, receiversSQL, toMillis(now))
	if err != nil {
		return nil, fmt.Errorf("outbox receivers: %w", err)
	}
	defer rows.Close()
	var receivers []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, fmt.Errorf("outbox receivers: %w", err)
		}
		receivers = append(receivers, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outbox receivers: %w", err)
	}
	return receivers, nil
}

// ClaimOutbox leases up to c.Limit pending rows of c.Receiver that are due at
// c.Now and not leased (or whose lease has ended) to c.Owner until
// c.Now+c.Lease, and returns them by next_at, then id. The select and the
// lease are one IMMEDIATE transaction, so two claimers, in this process or
// another, never get the same row. A non-positive c.Limit claims nothing.
func (s *Store) ClaimOutbox(ctx context.Context, c store.Claim) ([]store.OutboxItem, error) {
	if c.Limit <= 0 {
		return nil, nil
	}
	if c.Owner == "" || c.Lease <= 0 {
		return nil, fmt.Errorf("claim outbox of %s: owner and a positive lease must be set", c.Receiver)
	}
	var items []store.OutboxItem
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, claimSQL, c.Owner, toMillis(c.Now.Add(c.Lease)), c.Receiver,
			toMillis(c.Now), c.Limit)
		if err != nil {
			return err
		}
		items, err = collectOutbox(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim outbox of %s: %w", c.Receiver, err)
	}
	slices.SortFunc(items, func(a, b store.OutboxItem) int { // RETURNING has no order
		return cmpOutbox(&a, &b)
	})
	return items, nil
}

// cmpOutbox orders outbox items by next_at, then id.
func cmpOutbox(a, b *store.OutboxItem) int {
	if c := a.NextAt.Compare(b.NextAt); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// updateOutbox runs an UPDATE of the rows with the given ids, whose WHERE
// clause ends in "id IN (<ids>)", in one write transaction. The ids travel
// as one JSON array parameter after args; no ids is a no-op.
func (s *Store) updateOutbox(ctx context.Context, op string, ids []int64, query string, args ...any) error {
	if len(ids) == 0 {
		return nil
	}
	idsJSON, err := json.Marshal(ids)
	if err != nil {
		return fmt.Errorf("%s: encode ids: %w", op, err)
	}
	args = append(args, string(idsJSON))
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, query+` id IN (SELECT value FROM json_each(?))`, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s of %d outbox rows: %w", op, len(ids), err)
	}
	return nil
}

// MarkSent marks the pending rows among ids sent at at, counts the attempt,
// clears the last error and releases their lease. Rows no longer pending
// are left as they are.
func (s *Store) MarkSent(ctx context.Context, ids []int64, at time.Time) error {
	return s.updateOutbox(ctx, "mark sent", ids, `UPDATE outbox SET state = 'sent', sent_at = ?,
		attempts = attempts + 1, last_error = '', lease_owner = '', lease_until = 0 WHERE state = 'pending' AND`, toMillis(at))
}

// MarkRetry counts a failed attempt of the pending rows among ids, records
// reason and makes them due again at next, unleased.
func (s *Store) MarkRetry(ctx context.Context, ids []int64, next time.Time, reason string) error {
	return s.updateOutbox(ctx, "mark retry", ids, `UPDATE outbox SET attempts = attempts + 1, next_at = ?,
		last_error = ?, lease_owner = '', lease_until = 0 WHERE state = 'pending' AND`, toMillis(next), reason)
}

// MarkDead parks the pending rows among ids for good with reason, unleased,
// without counting an attempt.
func (s *Store) MarkDead(ctx context.Context, ids []int64, reason string) error {
	return s.updateOutbox(ctx, "mark dead", ids, `UPDATE outbox SET state = 'dead', last_error = ?,
		lease_owner = '', lease_until = 0 WHERE state = 'pending' AND`, reason)
}

// ReleaseOutbox ends the lease on the rows with the given ids and changes
// nothing else.
func (s *Store) ReleaseOutbox(ctx context.Context, ids []int64) error {
	return s.updateOutbox(ctx, "release", ids, `UPDATE outbox SET lease_owner = '', lease_until = 0 WHERE`)
}

// OutboxItems lists the outbox rows of a clue by id; none for an unknown id.
func (s *Store) OutboxItems(ctx context.Context, clueID string) ([]store.OutboxItem, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE clue_id = ? ORDER BY id`, clueID)
	if err != nil {
		return nil, fmt.Errorf("outbox items of clue %s: %w", clueID, err)
	}
	items, err := collectOutbox(rows)
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
	var oldest sql.NullInt64
	err := s.read.QueryRowContext(ctx, statsSQL).Scan(&st.Pending, &oldest, &st.Dead)
	if err != nil {
		return store.OutboxStats{}, fmt.Errorf("outbox stats: %w", err)
	}
	st.OldestPending = fromMillis(oldest.Int64)
	return st, nil
}
