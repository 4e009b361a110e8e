package sqlstore

import (
	"context"
	"fmt"

	"github.com/cluebot/cluebot/store"
)

// Alert is one (route, receiver) outbox row SaveRouting enqueues.
type Alert struct{ Route, Receiver, Assignee string }

// SaveRouting marks r.ClueID routed at r.RoutedAt with its routes and
// assignees in order, and has enqueue write one pending outbox row per
// (route, receiver), due at RoutedAt, all in one transaction of inTx. It
// returns false and changes nothing if the clue is routed already: the
// conditional UPDATE takes the clue's row, so of two instances routing one
// clue at once exactly one saves. An unknown clue id is an error wrapping
// store.ErrNotFound; check rejects a routing the store cannot keep.
func SaveRouting[Tx any](ctx context.Context, d *Dialect, r store.Routing, check func(r *store.Routing) error,
	inTx func(fn func(tx Tx) error) error, db func(tx Tx) DB, enqueue func(tx Tx, alerts []Alert) error) (bool, error) {
	if err := check(&r); err != nil {
		return false, fmt.Errorf("save routing of clue %s: %w", r.ClueID, err)
	}
	var routes, assignees []string // nil, NULL: no route took the clue
	var alerts []Alert
	for _, res := range r.Results {
		routes, assignees = append(routes, res.Route), append(assignees, res.Assignee)
		for _, rc := range res.Receivers {
			alerts = append(alerts, Alert{res.Route, rc, res.Assignee})
		}
	}
	saved := false
	err := inTx(func(tx Tx) error {
		p := d.Param
		n, err := db(tx).Exec(ctx, `UPDATE clues SET routed_at = `+p(2)+`, routes = `+p(3)+`, assignees = `+p(4)+`
			WHERE id = `+p(1)+` AND routed_at = `+d.Zero, r.ClueID, d.Time(r.RoutedAt), d.List(routes), d.List(assignees))
		if err != nil {
			return fmt.Errorf("mark routed: %w", err)
		}
		if n == 0 { // routed already, or no such clue
			return d.ClueExists(ctx, db(tx), r.ClueID)
		}
		if len(alerts) > 0 {
			if err := enqueue(tx, alerts); err != nil {
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

// NextRotation returns the round-robin position of route among members
// members and advances it, in one atomic statement: every process using
// the store shares the sequence 0, 1, ..., members-1, 0, ...
func (s *Common) NextRotation(ctx context.Context, route string, members int) (int, error) {
	if members <= 0 {
		return 0, fmt.Errorf("next rotation of route %q: members must be positive, got %d", route, members)
	}
	var pos int64
	err := s.write.QueryRow(ctx, `INSERT INTO rotation (route, position) VALUES (`+s.d.Param(1)+`, 1)
		ON CONFLICT (route) DO UPDATE SET position = rotation.position + 1 RETURNING position - 1`, route).Scan(&pos)
	if err != nil {
		return 0, fmt.Errorf("next rotation of route %q: %w", route, err)
	}
	return int(pos % int64(members)), nil
}
