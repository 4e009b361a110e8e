package store

import (
	"context"
	"time"
)

// SendLimit is one of a receiver's rate limits: at most Max sends within
// any span of Per (Max 0: no limit). A send counts from when its slot was
// taken.
type SendLimit struct {
	Max int
	Per time.Duration
}

// Pacing shares robots' rate budgets between every process using the store,
// so several instances together stay within a robot's limit.
type Pacing interface {
	// TakeSendSlot records a send to receiver at now when the receiver is not
	// paused and, for every limit, fewer than Max sends fall within Per
	// before now. Otherwise it records nothing and returns when a slot
	// frees.
	TakeSendSlot(ctx context.Context, receiver string, now time.Time, limits []SendLimit) (ok bool, next time.Time, err error)
	// SendSlotsFree returns how many sends receiver may still make at now:
	// the least room left in any of its limits, 0 while it is paused.
	SendSlotsFree(ctx context.Context, receiver string, now time.Time, limits []SendLimit) (int, error)
	// PauseReceiver refuses every slot of receiver until the given time.
	PauseReceiver(ctx context.Context, receiver string, until time.Time) error
}

// Longest is the longest span of limits: a store keeps the sends of twice
// that.
func Longest(limits []SendLimit) time.Duration {
	var d time.Duration
	for _, l := range limits {
		d = max(d, l.Per)
	}
	return d
}

// Retention deletes old clues (store.retention).
type Retention interface {
	// DeleteCluesBefore deletes the clues collected before t, with their
	// history and outbox rows, and returns how many clues went.
	DeleteCluesBefore(ctx context.Context, t time.Time) (int, error)
}
