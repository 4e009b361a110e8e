package store

import (
	"context"
	"time"
)

// Pacing shares robots' rate budgets between every process using the store,
// so several instances together stay within a robot's limit.
type Pacing interface {
	// TakeSendSlot records a send to receiver at now when the receiver is not
	// paused, fewer than perMinute sends (0: no limit) fall within window
	// before now and fewer than perSecond (0: no limit) within the last
	// second. Otherwise it records nothing and returns when a slot frees.
	TakeSendSlot(ctx context.Context, receiver string, now time.Time, perMinute, perSecond int, window time.Duration) (ok bool, next time.Time, err error)
	// SendSlotsFree returns how many sends receiver may still make at now.
	SendSlotsFree(ctx context.Context, receiver string, now time.Time, perMinute, perSecond int, window time.Duration) (int, error)
	// PauseReceiver refuses every slot of receiver until the given time.
	PauseReceiver(ctx context.Context, receiver string, until time.Time) error
}

// Retention deletes old clues (store.retention).
type Retention interface {
	// DeleteCluesBefore deletes the clues collected before t, with their
	// history and outbox rows, and returns how many clues went.
	DeleteCluesBefore(ctx context.Context, t time.Time) (int, error)
}
