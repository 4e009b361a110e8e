package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/sqlstore"
)

// unroutedSQL selects up to $1 clues not routed yet, oldest first, from the
// partial index clues_unrouted.
var unroutedSQL = dialect.UnroutedSQL()

// enqueueSQL enqueues alerts of clue $1 due and created at $2, one per
// element of the parallel arrays $3 (route), $4 (receiver) and $5
// (assignee), in array order so that ids follow it; pending and unleased by
// the columns' defaults, each once per (clue, route, receiver, kind).
const enqueueSQL = `INSERT INTO outbox (clue_id, route, receiver, assignee, next_at, created_at)
	SELECT $1, q.route, q.receiver, q.assignee, $2, $2
	FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS q (route, receiver, assignee, n)
	ORDER BY q.n ON CONFLICT (clue_id, route, receiver, kind) DO NOTHING`

// SaveRouting marks r.ClueID routed at r.RoutedAt with its routes and
// assignees in order, and enqueues one pending outbox row per (route,
// receiver), due at RoutedAt, all in one transaction. It returns false and
// changes nothing if the clue is routed already, by this process or another:
// the conditional UPDATE takes the clue's row lock, so of two instances
// routing one clue at once exactly one saves. An unknown clue id is an error
// wrapping store.ErrNotFound. A receiver listed twice for a route gets one
// row.
func (s *Store) SaveRouting(ctx context.Context, r store.Routing) (bool, error) {
	return sqlstore.SaveRouting(ctx, dialect, r, (*store.Routing).Check,
		func(fn func(tx pgx.Tx) error) error { return s.inTx(ctx, fn) },
		func(tx pgx.Tx) sqlstore.DB { return conn{tx} },
		func(tx pgx.Tx, alerts []sqlstore.Alert) error {
			routes, receivers, assignees := make([]string, len(alerts)), make([]string, len(alerts)),
				make([]string, len(alerts))
			for i, a := range alerts {
				routes[i], receivers[i], assignees[i] = a.Route, a.Receiver, a.Assignee
			}
			_, err := tx.Exec(ctx, enqueueSQL, r.ClueID, stamp(r.RoutedAt), routes, receivers, assignees)
			return err
		})
}
