package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
)

// unroutedSQL selects up to $1 clues not routed yet, oldest first, from the
// partial index clues_unrouted.
var unroutedSQL = selectClueSQL + ` WHERE routed_at = '-infinity' ORDER BY first_seen, id LIMIT $1`

// UnroutedClues returns up to limit clues not routed yet, oldest first by
// first_seen, then id; none when limit is not positive.
func (s *Store) UnroutedClues(ctx context.Context, limit int) ([]store.Clue, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, unroutedSQL, limit)
	if err != nil {
		return nil, fmt.Errorf("unrouted clues: %w", err)
	}
	clues, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Clue, error) {
		var c store.Clue
		err := scanClue(r, &c)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("unrouted clues: %w", err)
	}
	return clues, nil
}

// enqueueSQL enqueues alerts of clue $1 due and created at $2, one per
// element of the parallel arrays $3 (route), $4 (receiver) and $5
// (assignee), in array order so that ids follow it; pending and unleased by
// the columns' defaults, each once per (clue, route, receiver).
const enqueueSQL = `INSERT INTO outbox (clue_id, route, receiver, assignee, next_at, created_at)
	SELECT $1, q.route, q.receiver, q.assignee, $2, $2
	FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS q (route, receiver, assignee, n)
	ORDER BY q.n ON CONFLICT (clue_id, route, receiver) DO NOTHING`

// SaveRouting marks r.ClueID routed at r.RoutedAt with its routes and
// assignees in order, and enqueues one pending outbox row per (route,
// receiver), due at RoutedAt, all in one transaction. It returns false and
// changes nothing if the clue is routed already, by this process or another:
// the conditional UPDATE takes the clue's row lock, so of two instances
// routing one clue at once exactly one saves. An unknown clue id is an error
// wrapping store.ErrNotFound. A receiver listed twice for a route gets one
// row.
func (s *Store) SaveRouting(ctx context.Context, r store.Routing) (bool, error) {
	if err := r.Check(); err != nil {
		return false, fmt.Errorf("save routing of clue %s: %w", r.ClueID, err)
	}
	var routes, assignees []string // nil, NULL: no route took the clue
	var qRoutes, qReceivers, qAssignees []string
	for _, res := range r.Results {
		routes, assignees = append(routes, res.Route), append(assignees, res.Assignee)
		for _, rc := range res.Receivers {
			qRoutes, qReceivers, qAssignees = append(qRoutes, res.Route), append(qReceivers, rc),
				append(qAssignees, res.Assignee)
		}
	}
	at := stamp(r.RoutedAt)
	saved := false
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE clues SET routed_at = $2, routes = $3, assignees = $4
			WHERE id = $1 AND routed_at = '-infinity'`, r.ClueID, at, routes, assignees)
		if err != nil {
			return fmt.Errorf("mark routed: %w", err)
		}
		if tag.RowsAffected() == 0 { // routed already, or no such clue
			return clueExists(ctx, tx, r.ClueID)
		}
		if len(qRoutes) > 0 {
			if _, err := tx.Exec(ctx, enqueueSQL, r.ClueID, at, qRoutes, qReceivers, qAssignees); err != nil {
				return fmt.Errorf("enqueue alerts: %w", err)
			}
		}
		saved = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("save routing of clue %s: %w", r.ClueID, err)
	}
	return saved, nil
}

// clueExists returns nil if a clue with the given id is stored, else an error
// wrapping store.ErrNotFound.
func clueExists(ctx context.Context, tx pgx.Tx, id string) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM clues WHERE id = $1`, id).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// NextRotation returns the round-robin position of route among members
// members and advances it, in one atomic statement: every process using
// the database shares the sequence 0, 1, ..., members-1, 0, ...
func (s *Store) NextRotation(ctx context.Context, route string, members int) (int, error) {
	if members <= 0 {
		return 0, fmt.Errorf("next rotation of route %q: members must be positive, got %d", route, members)
	}
	var pos int64
	err := s.pool.QueryRow(ctx, `INSERT INTO rotation (route, position) VALUES ($1, 1)
		ON CONFLICT (route) DO UPDATE SET position = rotation.position + 1 RETURNING position - 1`, route).Scan(&pos)
	if err != nil {
		return 0, fmt.Errorf("next rotation of route %q: %w", route, err)
	}
	return int(pos % int64(members)), nil
}
