package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// RouteResult is one route a clue took: who is on duty for it and which
// receivers get its alert.
type RouteResult struct {
	Route     string
	Assignee  string // the on-duty member's name; "" without round robin
	Receivers []string
}

// Routing is the routing outcome of one clue, saved with its outbox rows.
type Routing struct {
	ClueID   string
	Results  []RouteResult // empty when no route took the clue
	RoutedAt time.Time
}

// Check rejects a routing without the names and time every backend needs.
func (r *Routing) Check() error {
	if r.ClueID == "" {
		return errors.New("clue id must be set")
	}
	if r.RoutedAt.IsZero() {
		return errors.New("routed_at must be set")
	}
	for _, res := range r.Results {
		if res.Route == "" {
			return errors.New("route name must be set")
		}
		for _, rc := range res.Receivers {
			if rc == "" {
				return fmt.Errorf("route %q: receiver name must be set", res.Route)
			}
		}
	}
	return nil
}

// Outbox states.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxDead    = "dead"
)

// Outbox kinds: the lead's alert, and the follow-up messages about it.
const (
	KindAlert      = "alert"
	KindReminder   = "reminder"
	KindEscalation = "escalation"
)

// OutboxItem is one message to deliver: a (clue, route, receiver, kind)
// tuple; Kind is KindAlert for a lead's alert.
type OutboxItem struct {
	ID        int64
	ClueID    string
	Route     string
	Receiver  string
	Kind      string
	Assignee  string
	State     string
	Attempts  int
	NextAt    time.Time // due time of a pending row
	LastError string
	CreatedAt time.Time
	SentAt    time.Time
}

// Claim asks for due outbox rows of one receiver. The rows are leased to
// Owner until Now+Lease: nobody else claims them meanwhile, and a crashed
// owner's rows become claimable again when the lease ends. Owner and a
// positive Lease are required; a Limit <= 0 claims nothing.
type Claim struct {
	Receiver string
	Owner    string
	Now      time.Time
	Lease    time.Duration
	Limit    int
}

// OutboxStats summarises the outbox for metrics and health checks.
type OutboxStats struct {
	Pending       int
	Dead          int
	OldestPending time.Time // zero when nothing is pending
}

// Router is the part of the store that routing and delivery use.
type Router interface {
	// UnroutedClues returns up to limit clues not yet routed, oldest first
	// (by first_seen, then id).
	UnroutedClues(ctx context.Context, limit int) ([]Clue, error)
	// SaveRouting records a clue's routing and enqueues one pending outbox
	// row per (route, receiver), due at RoutedAt, in one transaction. A clue
	// already routed is left as it is and false is returned, so routing twice
	// (two instances, a retry) never enqueues twice. An unknown clue id is an
	// error wrapping ErrNotFound; RoutedAt, route and receiver names must be
	// set.
	SaveRouting(ctx context.Context, r Routing) (bool, error)
	// NextRotation returns the next round-robin position for a route with
	// members members (0..members-1) and advances it durably, shared by every
	// process using the store.
	NextRotation(ctx context.Context, route string, members int) (int, error)

	// OutboxReceivers lists the receivers that have due, unleased pending
	// rows at now.
	OutboxReceivers(ctx context.Context, now time.Time) ([]string, error)
	// ClaimOutbox leases up to c.Limit due pending rows of c.Receiver, oldest
	// first (by next_at, then id).
	ClaimOutbox(ctx context.Context, c Claim) ([]OutboxItem, error)
	// MarkSent marks rows delivered, counts the attempt, clears the last
	// error (it was overcome) and releases their lease. The marks apply to pending rows only: sent and dead are final.
	// Unknown ids are no error and no ids is a no-op.
	MarkSent(ctx context.Context, ids []int64, at time.Time) error
	// MarkRetry counts a failed attempt, records why and makes the rows due
	// again at next, unleased.
	MarkRetry(ctx context.Context, ids []int64, next time.Time, reason string) error
	// MarkDead parks rows that can never be delivered, with the reason,
	// unleased, counting the attempt that showed it (a robot refused the
	// message for good, or it could not be built).
	MarkDead(ctx context.Context, ids []int64, reason string) error
	// ReleaseOutbox gives up the lease on rows without counting an attempt
	// (a clean shutdown, or rows left for a later digest).
	ReleaseOutbox(ctx context.Context, ids []int64) error
	// OutboxItems lists a clue's outbox rows by id.
	OutboxItems(ctx context.Context, clueID string) ([]OutboxItem, error)
	// OutboxStats summarises the outbox at now; Pending counts every
	// pending row, due or not.
	OutboxStats(ctx context.Context, now time.Time) (OutboxStats, error)
}
