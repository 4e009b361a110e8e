package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/sqlstore"
)

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

// tx runs the shared statements in one write transaction (see inTx).
func (s *Store) tx(ctx context.Context) sqlstore.Run {
	return func(fn func(db sqlstore.DB) error) error {
		return s.inTx(ctx, func(tx *sql.Tx) error { return fn(conn{tx}) })
	}
}

// unroutedSQL selects up to ?1 clues not routed yet, oldest first, from the
// partial index clues_unrouted.
var unroutedSQL = dialect.UnroutedSQL()

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

// SaveRouting marks r.ClueID routed at r.RoutedAt with its routes and
// assignees in order, and enqueues one pending outbox row per (route,
// receiver), due at RoutedAt, all in one IMMEDIATE transaction. It returns
// false and changes nothing if the clue is routed already, and an error
// wrapping store.ErrNotFound if no clue has that id. A receiver listed twice
// for a route gets one row.
func (s *Store) SaveRouting(ctx context.Context, r store.Routing) (bool, error) {
	at := toMillis(r.RoutedAt)
	return sqlstore.SaveRouting(ctx, dialect, r, checkRouting,
		func(fn func(tx *sql.Tx) error) error { return s.inTx(ctx, fn) },
		func(tx *sql.Tx) sqlstore.DB { return conn{tx} },
		func(tx *sql.Tx, alerts []sqlstore.Alert) error {
			return execRows(ctx, tx, insertOutboxSQL, len(alerts),
				func(i int) string { return alerts[i].Route + "/" + alerts[i].Receiver },
				func(args []any, i int) []any {
					a := &alerts[i]
					return append(args, r.ClueID, a.Route, a.Receiver, a.Assignee, at, at)
				})
		})
}

// insertOutboxSQL returns the statement that enqueues rows alerts, pending
// and unleased by the columns' defaults, each once per (clue, route, receiver).
func insertOutboxSQL(rows int) string {
	return `INSERT INTO outbox (clue_id, route, receiver, assignee, next_at, created_at) VALUES ` +
		values(rows, 6) + ` ON CONFLICT (clue_id, route, receiver, kind) DO NOTHING`
}
