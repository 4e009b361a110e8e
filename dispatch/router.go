package dispatch

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/store"
)

// RouterStore is what routing needs of the store.
type RouterStore interface {
	UnroutedClues(ctx context.Context, limit int) ([]store.Clue, error)
	SaveRouting(ctx context.Context, r store.Routing) (bool, error)
	NextRotation(ctx context.Context, route string, members int) (int, error)
}

// RouteStats counts what one routing pass did.
type RouteStats struct {
	Routed   int            // clues routed to at least one route
	Unrouted int            // clues no route took (kept, logged, reported)
	Enqueued int            // outbox rows created (upper bound: receivers per route)
	ByRoute  map[string]int // clues per route
}

// Router routes newly stored clues.
type Router struct {
	store RouterStore
	leads *Leads
	log   *slog.Logger
	now   func() time.Time

	// MaxAge: a clue collected longer ago than this is routed and reported
	// but not alerted (a backfill must not flood the chats); 0 alerts all.
	MaxAge time.Duration
	// OnRouted, when set, is called for each clue routed (metrics).
	OnRouted func(routes []string)
}

// NewRouter builds a router. now may be nil (time.Now).
func NewRouter(st RouterStore, leads *Leads, logger *slog.Logger, now func() time.Time) *Router {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Router{store: st, leads: leads, log: logger.With("component", "router"), now: now}
}

// batchSize is how many unrouted clues one query fetches.
const batchSize = 200

// RouteNew routes every clue not routed yet and enqueues its alerts. Each
// clue's routing and outbox rows are saved in one transaction; a clue some
// other instance routed first is skipped.
func (r *Router) RouteNew(ctx context.Context) (RouteStats, error) {
	stats := RouteStats{ByRoute: map[string]int{}}
	rules := r.leads.Rules.Load()
	if rules == nil {
		return stats, fmt.Errorf("no rules loaded")
	}
	rot := RotationOf(r.store)
	var buf []route.Match
	for {
		clues, err := r.store.UnroutedClues(ctx, batchSize)
		if err != nil {
			return stats, fmt.Errorf("list unrouted clues: %w", err)
		}
		if len(clues) == 0 {
			return stats, nil
		}
		for i := range clues {
			c := &clues[i]
			routing := store.Routing{ClueID: c.ID, RoutedAt: r.now()}
			lead, err := r.leads.Lead(c)
			if err != nil {
				// A stored clue that no longer decodes is kept and reported as
				// unrouted rather than blocking every clue behind it.
				r.log.Error("clue cannot be routed", "clue_id", c.ID, "err", err)
			} else {
				buf = rules.RouteInto(buf[:0], &lead, routing.RoutedAt)
				stale := r.MaxAge > 0 && !c.CreateTime.IsZero() && routing.RoutedAt.Sub(c.CreateTime) > r.MaxAge
				for _, m := range buf {
					member, err := m.Route.Assign(ctx, rot)
					if err != nil {
						return stats, fmt.Errorf("assign clue %s: %w", c.ID, err)
					}
					res := store.RouteResult{Route: m.Route.Name, Receivers: m.Route.Receivers}
					if stale {
						res.Receivers = nil // routed for the report, too old to alert
					}
					if member != nil {
						res.Assignee = member.Name
					}
					routing.Results = append(routing.Results, res)
				}
			}
			saved, err := r.store.SaveRouting(ctx, routing)
			if err != nil {
				return stats, fmt.Errorf("save routing of clue %s: %w", c.ID, err)
			}
			if !saved {
				continue
			}
			r.count(&stats, c, routing)
		}
	}
}

func (r *Router) count(stats *RouteStats, c *store.Clue, routing store.Routing) {
	names := make([]string, len(routing.Results))
	for i, res := range routing.Results {
		names[i] = res.Route
		stats.ByRoute[res.Route]++
		stats.Enqueued += len(res.Receivers)
	}
	if len(routing.Results) > 0 && stats.Enqueued == 0 && r.MaxAge > 0 {
		r.log.Debug("clue too old to alert; routed for the report only", "clue_id", c.ID, "created", c.CreateTime)
	}
	if len(routing.Results) == 0 {
		stats.Unrouted++
		r.log.Warn("no route took the clue; it stays in the store and the report",
			"clue_id", c.ID, "advertiser_id", c.AdvertiserID, "page", c.PageName)
	} else {
		stats.Routed++
		r.log.Debug("clue routed", "clue_id", c.ID, "routes", names)
	}
	if r.OnRouted != nil {
		r.OnRouted(names)
	}
}
