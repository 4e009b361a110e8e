package daemon

import (
	"context"
	"errors"
	"time"

	"github.com/go-co-op/gocron/v2"
)

// TryLocker is a store that grants locks shared by every instance using it
// (PostgreSQL's advisory locks).
type TryLocker interface {
	TryLock(ctx context.Context, key string) (unlock func(), ok bool, err error)
}

// errLockHeld makes gocron skip a run another instance is doing.
var errLockHeld = errors.New("another instance runs this job")

// lockHold is how long a singleton job's lock is kept at least, so an
// instance whose clock lags a little does not run the same run again right
// after the first finished.
const lockHold = time.Minute

// storeLocker runs the singleton jobs (the daily report, its catch-up,
// retention) on one instance at a time.
type storeLocker struct{ s TryLocker }

var _ gocron.Locker = storeLocker{}

// Lock implements gocron.Locker.
func (l storeLocker) Lock(ctx context.Context, key string) (gocron.Lock, error) {
	unlock, ok, err := l.s.TryLock(ctx, "cluebot-job:"+key)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errLockHeld
	}
	return &heldLock{unlock: unlock, at: time.Now()}, nil
}

type heldLock struct {
	unlock func()
	at     time.Time
}

// Unlock implements gocron.Lock, keeping the lock until lockHold has passed.
func (h *heldLock) Unlock(context.Context) error {
	if rest := lockHold - time.Since(h.at); rest > 0 {
		time.AfterFunc(rest, h.unlock)
		return nil
	}
	h.unlock()
	return nil
}
