package app

import (
	"context"
	"fmt"

	"github.com/cluebot/cluebot/dispatch"
	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/followup"
)

// OnceResult is what one cycle did.
type OnceResult struct {
	Pull     []fetch.Result
	PullErr  error
	Route    dispatch.RouteStats
	Followup followup.Stats
	Deliver  dispatch.DrainStats
}

// Fetched is the number of new clues the cycle stored.
func (r *OnceResult) Fetched() int {
	n := 0
	for _, p := range r.Pull {
		n += p.Stats.Inserted
	}
	return n
}

// Once runs one cycle: pull every account, route what is new, fire the
// follow-ups due, deliver what is due. A failed pull does not stop routing and delivery of what is stored.
func (a *App) Once(ctx context.Context) (*OnceResult, error) {
	res := &OnceResult{}
	res.Pull, res.PullErr = a.Syncer.SyncAll(ctx)
	var err error
	if res.Route, err = a.Router.RouteNew(ctx); err != nil {
		return res, fmt.Errorf("route: %w", err)
	}
	if res.Followup, err = a.Followups.Run(ctx); err != nil {
		return res, fmt.Errorf("follow-ups: %w", err)
	}
	if res.Deliver, err = a.Live().Deliverer.Drain(ctx); err != nil {
		return res, fmt.Errorf("deliver: %w", err)
	}
	return res, nil
}
