package report

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cluebot/cluebot/store"
)

// fillStore stores n synthetic clues on each of days (as synthSource makes
// them) and routes one in every routeEvery as synthSource says, each route
// to one receiver, through the store's own API: routing takes a
// transaction a clue, so a benchmark's millions are mostly left unrouted.
func fillStore(ctx context.Context, st store.Store, n, routeEvery int, days ...span) error {
	const batch = 500
	for _, d := range days {
		var clues []store.Clue
		var routings []store.Routing
		flush := func() error {
			if _, err := st.UpsertClues(ctx, clues); err != nil {
				return err
			}
			for _, r := range routings {
				if _, err := st.SaveRouting(ctx, r); err != nil {
					return fmt.Errorf("route %s: %w", r.ClueID, err)
				}
			}
			clues, routings = clues[:0], routings[:0]
			return nil
		}
		flushFull := func() error {
			if len(clues) == batch {
				return flush()
			}
			return nil
		}
		err := synthSource{n: n}.IterateClues(ctx, d.filter(), func(c *store.Clue) error {
			cp := *c
			cp.Raw = slices.Clone(c.Raw)
			cp.RoutedAt, cp.Routes, cp.Assignees, cp.Sent = time.Time{}, nil, nil, 0
			clues = append(clues, cp)
			if len(clues)%routeEvery != 0 {
				return flushFull()
			}
			r := store.Routing{ClueID: c.ID, RoutedAt: c.RoutedAt}
			for i, name := range c.Routes {
				res := store.RouteResult{Route: name, Receivers: []string{"ding"}}
				if i < len(c.Assignees) {
					res.Assignee = c.Assignees[i]
				}
				r.Results = append(r.Results, res)
			}
			routings = append(routings, r)
			return flushFull()
		})
		if err == nil && len(clues) > 0 {
			err = flush()
		}
		if err != nil {
			return err
		}
	}
	return nil
}
