package sqlstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cluebot/cluebot/store"
)

// OutboxColumns are the columns ScanOutbox reads, in order.
const OutboxColumns = `id, clue_id, route, receiver, assignee, state, attempts, next_at,
	last_error, created_at, sent_at, kind`

// ScanOutbox reads a row of OutboxColumns into it.
func (d *Dialect) ScanOutbox(r Row, it *store.OutboxItem) error {
	return r.Scan(&it.ID, &it.ClueID, &it.Route, &it.Receiver, &it.Assignee, &it.State, &it.Attempts,
		d.ScanTime(&it.NextAt), &it.LastError, d.ScanTime(&it.CreatedAt), d.ScanTime(&it.SentAt), &it.Kind)
}

// CollectOutbox scans every row of OutboxColumns in rows, closing them.
func (d *Dialect) CollectOutbox(rows Rows) ([]store.OutboxItem, error) {
	return collect(rows, d.ScanOutbox)
}

// The statements below spell state = 'pending' and state = 'dead' out,
// rather than binding them, so that the planner can use the partial indexes
// on them.

// ReceiversSQL lists the receivers with rows due and unleased at the first
// argument.
func (d *Dialect) ReceiversSQL() string {
	return `SELECT DISTINCT receiver FROM outbox
		WHERE state = 'pending' AND next_at <= ` + d.Param(1) + ` AND lease_until <= ` + d.Param(1) + ` ORDER BY receiver`
}

// ClaimSQL leases to argument 1 until 2 up to 5 rows of receiver 3 due and
// unleased at 4. lock is the clause that keeps concurrent claimers apart as
// the rows are picked ("" in a transaction that has the store to itself).
func (d *Dialect) ClaimSQL(lock string) string {
	p := d.Param
	return `UPDATE outbox SET lease_owner = ` + p(1) + `, lease_until = ` + p(2) + `
		WHERE id IN (SELECT id FROM outbox WHERE receiver = ` + p(3) + ` AND state = 'pending'
			AND next_at <= ` + p(4) + ` AND lease_until <= ` + p(4) + ` ORDER BY next_at, id LIMIT ` + p(5) + lock + `)
		RETURNING ` + OutboxColumns
}

// StatsSQL counts pending and dead rows and finds the oldest pending one.
const StatsSQL = `SELECT
		(SELECT count(*) FROM outbox WHERE state = 'pending'),
		(SELECT min(created_at) FROM outbox WHERE state = 'pending'),
		(SELECT count(*) FROM outbox WHERE state = 'dead')`

// OutboxReceivers lists, in name order, the receivers that have pending rows
// due at now and not leased.
func (s *Common) OutboxReceivers(ctx context.Context, now time.Time) ([]string, error) {
	rows, err := s.read.Query(ctx, s.d.ReceiversSQL(), s.d.Time(now))
	if err != nil {
		return nil, fmt.Errorf("outbox receivers: %w", err)
	}
	receivers, err := collect(rows, func(r Row, s *string) error { return r.Scan(s) })
	if err != nil {
		return nil, fmt.Errorf("outbox receivers: %w", err)
	}
	return receivers, nil
}

// ClaimOutbox leases up to c.Limit pending rows of c.Receiver that are due at
// c.Now and not leased (or whose lease has ended) to c.Owner until
// c.Now+c.Lease, and returns them by next_at, then id, with one statement
// of ClaimSQL(lock) that run runs. A non-positive c.Limit claims nothing.
func (d *Dialect) ClaimOutbox(ctx context.Context, c store.Claim, lock string, run Run) ([]store.OutboxItem, error) {
	if c.Limit <= 0 {
		return nil, nil
	}
	if c.Owner == "" || c.Lease <= 0 {
		return nil, fmt.Errorf("claim outbox of %s: owner and a positive lease must be set", c.Receiver)
	}
	var items []store.OutboxItem
	err := run(func(db DB) error {
		rows, err := db.Query(ctx, d.ClaimSQL(lock), c.Owner, d.Time(c.Now.Add(c.Lease)), c.Receiver,
			d.Time(c.Now), c.Limit)
		if err != nil {
			return err
		}
		items, err = d.CollectOutbox(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim outbox of %s: %w", c.Receiver, err)
	}
	slices.SortFunc(items, func(a, b store.OutboxItem) int { // RETURNING has no order
		if c := a.NextAt.Compare(b.NextAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return items, nil
}

// OutboxUpdate is an UPDATE of outbox rows by id: what it sets, on the rows
// that match Cond, with Args numbered from 2 (the ids are argument 1).
type OutboxUpdate struct {
	Op   string // names the update in errors
	Set  string
	Cond string
	Args []any
	// Then, when set, runs after the update in its transaction with the
	// ids as its only argument; the backend replaces {ids} with their set.
	Then string
}

// unleased is the end of the SET list of an update that releases the lease.
func (d *Dialect) unleased() string { return `lease_owner = '', lease_until = ` + d.Zero }

// markSent is the update of MarkSent.
func (d *Dialect) markSent(at time.Time) OutboxUpdate {
	return OutboxUpdate{Op: "mark sent", Set: `state = 'sent', sent_at = ` + d.Param(2) +
		`, attempts = attempts + 1, last_error = '', ` + d.unleased(), Cond: `state = 'pending'`,
		Args: []any{d.Time(at)}, Then: StartFollowupsSQL}
}

// markRetry is the update of MarkRetry.
func (d *Dialect) markRetry(next time.Time, reason string) OutboxUpdate {
	return OutboxUpdate{Op: "mark retry", Set: `attempts = attempts + 1, next_at = ` + d.Param(2) +
		`, last_error = ` + d.Param(3) + `, ` + d.unleased(), Cond: `state = 'pending'`,
		Args: []any{d.Time(next), reason}}
}

// markDead is the update of MarkDead.
func (d *Dialect) markDead(reason string) OutboxUpdate {
	return OutboxUpdate{Op: "mark dead", Set: `state = 'dead', attempts = attempts + 1, last_error = ` + d.Param(2) + `, ` + d.unleased(),
		Cond: `state = 'pending'`, Args: []any{reason}}
}

// release is the update of ReleaseOutbox.
func (d *Dialect) release() OutboxUpdate {
	return OutboxUpdate{Op: "release", Set: d.unleased(), Cond: `true`}
}

// OutboxItems lists the outbox rows of a clue by id; none for an unknown id.
func (s *Common) OutboxItems(ctx context.Context, clueID string) ([]store.OutboxItem, error) {
	rows, err := s.read.Query(ctx, `SELECT `+OutboxColumns+` FROM outbox WHERE clue_id = `+s.d.Param(1)+` ORDER BY id`,
		clueID)
	if err != nil {
		return nil, fmt.Errorf("outbox items of clue %s: %w", clueID, err)
	}
	items, err := s.d.CollectOutbox(rows)
	if err != nil {
		return nil, fmt.Errorf("outbox items of clue %s: %w", clueID, err)
	}
	return items, nil
}

// OutboxOf implements store.Console: one query for a page of leads.
func (s *Common) OutboxOf(ctx context.Context, clueIDs []string) (map[string][]store.OutboxItem, error) {
	out := map[string][]store.OutboxItem{}
	if len(clueIDs) == 0 {
		return out, nil
	}
	rows, err := s.read.Query(ctx, `SELECT `+OutboxColumns+` FROM outbox WHERE clue_id `+s.d.AnyOf(s.d.Param(1))+
		` ORDER BY id`, s.d.Names(clueIDs))
	if err != nil {
		return nil, fmt.Errorf("outbox items of %d clues: %w", len(clueIDs), err)
	}
	items, err := s.d.CollectOutbox(rows)
	if err != nil {
		return nil, fmt.Errorf("outbox items of %d clues: %w", len(clueIDs), err)
	}
	for _, it := range items {
		out[it.ClueID] = append(out[it.ClueID], it)
	}
	return out, nil
}

// OutboxStats counts the pending rows, due or not, and the dead ones, and
// finds the oldest pending row's creation time, from one snapshot. The
// counts do not depend on now.
func (s *Common) OutboxStats(ctx context.Context, _ time.Time) (store.OutboxStats, error) {
	var st store.OutboxStats
	err := s.read.QueryRow(ctx, StatsSQL).Scan(&st.Pending, s.d.ScanTime(&st.OldestPending), &st.Dead)
	if err != nil {
		return store.OutboxStats{}, fmt.Errorf("outbox stats: %w", err)
	}
	return st, nil
}
