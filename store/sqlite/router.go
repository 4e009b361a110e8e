package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/cluebot/cluebot/store"
)

// listSep joins a clue's routes, and its assignees, in one column;
// SaveRouting rejects names that contain it.
const listSep = "\x1f"

// inTx runs fn in a write transaction, committing if fn returns nil. The
// write pool's transactions BEGIN IMMEDIATE, so a read-modify-write in fn is
// atomic even against another process using the same file.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	defer func() { s.wrote(ctx, err) }()
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // a no-op once committed
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// unroutedSQL selects up to ? clues not routed yet, oldest first, from the
// partial index clues_unrouted.
var unroutedSQL = selectClueSQL + ` WHERE routed_at = 0 ORDER BY first_seen, id LIMIT ?`

// UnroutedClues returns up to limit clues not routed yet, oldest first by
// first_seen, then id; none when limit is not positive.
func (s *Store) UnroutedClues(ctx context.Context, limit int) ([]store.Clue, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.read.QueryContext(ctx, unroutedSQL, limit)
	if err != nil {
		return nil, fmt.Errorf("unrouted clues: %w", err)
	}
	defer rows.Close()
	var clues []store.Clue
	for rows.Next() {
		var c store.Clue
		if err := scanClue(rows, &c); err != nil {
			return nil, fmt.Errorf("unrouted clues: %w", err)
		}
		clues = append(clues, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("unrouted clues: %w", err)
	}
	return clues, nil
}

// checkRouting rejects a routing the store could not read back as given:
// besides store.Routing.Check, names must not contain the list separator.
func checkRouting(r *store.Routing) error {
	if err := r.Check(); err != nil {
		return err
	}
	for _, res := range r.Results {
		if strings.Contains(res.Route, listSep) || strings.Contains(res.Assignee, listSep) {
			return fmt.Errorf("route %q: names must not contain the unit separator U+001F", res.Route)
		}
	}
	return nil
}

// outboxRow is one (route, receiver) alert SaveRouting enqueues.
type outboxRow struct{ route, receiver, assignee string }

// SaveRouting marks r.ClueID routed at r.RoutedAt with its routes and
// assignees in order, and enqueues one pending outbox row per (route,
// receiver), due at RoutedAt, all in one transaction. It returns false and
// changes nothing if the clue is routed already, and an error wrapping
// store.ErrNotFound if no clue has that id. A receiver listed twice for a
// route gets one row.
func (s *Store) SaveRouting(ctx context.Context, r store.Routing) (bool, error) {
	if err := checkRouting(&r); err != nil {
		return false, fmt.Errorf("save routing of clue %s: %w", r.ClueID, err)
	}
	at := toMillis(r.RoutedAt)
	var routes, assignees sql.NullString // NULL: no route took the clue
	var queued []outboxRow
	if len(r.Results) > 0 {
		names, members := make([]string, len(r.Results)), make([]string, len(r.Results))
		for i, res := range r.Results {
			names[i], members[i] = res.Route, res.Assignee
			for _, rc := range res.Receivers {
				queued = append(queued, outboxRow{res.Route, rc, res.Assignee})
			}
		}
		routes = sql.NullString{String: strings.Join(names, listSep), Valid: true}
		assignees = sql.NullString{String: strings.Join(members, listSep), Valid: true}
	}
	saved := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE clues SET routed_at = ?, routes = ?, assignees = ?
			WHERE id = ? AND routed_at = 0`, at, routes, assignees, r.ClueID)
		if err != nil {
			return fmt.Errorf("mark routed: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("mark routed: %w", err)
		}
		if n == 0 { // routed already, or no such clue
			return clueExists(ctx, tx, r.ClueID)
		}
		err = execRows(ctx, tx, insertOutboxSQL, len(queued),
			func(i int) string { return queued[i].route + "/" + queued[i].receiver },
			func(args []any, i int) []any {
				q := &queued[i]
				return append(args, r.ClueID, q.route, q.receiver, q.assignee, at, at)
			})
		if err != nil {
			return fmt.Errorf("enqueue alerts: %w", err)
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
func clueExists(ctx context.Context, tx *sql.Tx, id string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM clues WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// insertOutboxSQL returns the statement that enqueues rows alerts, pending
// and unleased by the columns' defaults, each once per (clue, route, receiver).
func insertOutboxSQL(rows int) string {
	return `INSERT INTO outbox (clue_id, route, receiver, assignee, next_at, created_at) VALUES ` +
		values(rows, 6) + ` ON CONFLICT (clue_id, route, receiver) DO NOTHING`
}

// NextRotation returns the round-robin position of route among members
// members and advances it, in one write transaction: every process using
// the file shares the sequence 0, 1, ..., members-1, 0, ...
func (s *Store) NextRotation(ctx context.Context, route string, members int) (int, error) {
	if members <= 0 {
		return 0, fmt.Errorf("next rotation of route %q: members must be positive, got %d", route, members)
	}
	var pos int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO rotation (route, position) VALUES (?, 1)
			ON CONFLICT (route) DO UPDATE SET position = position + 1 RETURNING position - 1`, route).Scan(&pos)
	})
	if err != nil {
		return 0, fmt.Errorf("next rotation of route %q: %w", route, err)
	}
	return int(pos % int64(members)), nil
}
