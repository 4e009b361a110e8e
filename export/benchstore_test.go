package export

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cluebot/cluebot/store"
)

// fillStore stores n synthetic clues on each of days (as synthSource makes
// them) and routes them as synthSource says, each route to one receiver,
// through the store's own API.
func fillStore(ctx context.Context, st store.Store, n int, days ...span) error {
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
		err := synthSource{n: n}.IterateClues(ctx, d.filter(), func(c *store.Clue) error {
			cp := *c
			cp.Raw = slices.Clone(c.Raw)
			cp.RoutedAt, cp.Routes, cp.Assignees, cp.Sent = time.Time{}, nil, nil, 0
			clues = append(clues, cp)
			r := store.Routing{ClueID: c.ID, RoutedAt: c.RoutedAt}
			for i, name := range c.Routes {
				res := store.RouteResult{Route: name, Receivers: []string{"ding"}}
				if i < len(c.Assignees) {
					res.Assignee = c.Assignees[i]
				}
				r.Results = append(r.Results, res)
			}
			routings = append(routings, r)
			if len(clues) == batch {
				return flush()
			}
			return nil
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
