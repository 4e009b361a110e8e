package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
)

// Common implements, for a backend that embeds it, the methods of the store
// interfaces whose statements are the same in both backends but for the
// backend's Dialect.
type Common struct {
	d      *Dialect
	read   DB
	write  DB
	tx     func(ctx context.Context) Run
	update func(ctx context.Context, ids []int64, u OutboxUpdate) error
	keys   *secret.Ring // seals tokens at rest; nil stores them as given
	// durable runs the transactions that write tokens (see SetDurable).
	durable func(ctx context.Context) Run
	now     func() time.Time
}

// NewCommon returns the shared methods of a backend with dialect d that
// reads from read, writes single statements, each its own transaction, to
// write, runs several in the write transactions of tx, and runs the outbox
// marks with update (no ids is a no-op). Tokens are sealed with keys.
func NewCommon(d *Dialect, read, write DB, tx func(ctx context.Context) Run,
	update func(ctx context.Context, ids []int64, u OutboxUpdate) error, keys *secret.Ring) Common {
	return Common{d: d, read: read, write: write, tx: tx, update: update, keys: keys}
}

// SetDurable has the methods that write tokens run their transactions with
// durable, whose commit must survive a crash (a rotated refresh token must
// not come back), and take the time from now where the caller gives none.
func (s *Common) SetDurable(durable func(ctx context.Context) Run, now func() time.Time) {
	s.durable, s.now = durable, now
}

// MarkSent marks the pending rows among ids sent at at, counts the attempt,
// clears the last error and releases their lease. Rows no longer pending
// are left as they are.
func (s *Common) MarkSent(ctx context.Context, ids []int64, at time.Time) error {
	return s.update(ctx, ids, s.d.markSent(at))
}

// MarkRetry counts a failed attempt of the pending rows among ids, records
// reason and makes them due again at next, unleased.
func (s *Common) MarkRetry(ctx context.Context, ids []int64, next time.Time, reason string) error {
	return s.update(ctx, ids, s.d.markRetry(next, reason))
}

// MarkDead parks the pending rows among ids for good with reason, unleased,
// counting the attempt that showed it.
func (s *Common) MarkDead(ctx context.Context, ids []int64, reason string) error {
	return s.update(ctx, ids, s.d.markDead(reason))
}

// ReleaseOutbox ends the lease on the rows with the given ids and changes
// nothing else.
func (s *Common) ReleaseOutbox(ctx context.Context, ids []int64) error {
	return s.update(ctx, ids, s.d.release())
}

// SendSlotsFree implements store.Pacing.
func (s *Common) SendSlotsFree(ctx context.Context, receiver string, now time.Time,
	limits []store.SendLimit) (int, error) {
	free, _, err := s.d.Slots(ctx, s.read, receiver, now, limits)
	if err != nil {
		return 0, fmt.Errorf("free send slots for %s: %w", receiver, err)
	}
	return free, nil
}
