package daemon

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// memLocks is a TryLocker shared by "instances" in one process.
type memLocks struct {
	mu   sync.Mutex
	held map[string]bool
}

func (m *memLocks) TryLock(_ context.Context, key string) (func(), bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.held == nil {
		m.held = map[string]bool{}
	}
	if m.held[key] {
		return nil, false, nil
	}
	m.held[key] = true
	return func() { m.mu.Lock(); delete(m.held, key); m.mu.Unlock() }, true, nil
}

func TestStoreLockerRunsSingletonJobsOnce(t *testing.T) {
	shared := &memLocks{}
	a, b := storeLocker{shared}, storeLocker{shared}
	ctx := context.Background()
	lock, err := a.Lock(ctx, JobReport)
	require.NoError(t, err)
	_, err = b.Lock(ctx, JobReport)
	require.ErrorIs(t, err, errLockHeld, "the other instance skips the run")
	_, err = b.Lock(ctx, JobRetention)
	require.NoError(t, err, "locks are per job")
	require.NoError(t, lock.Unlock(ctx))
	_, err = b.Lock(ctx, JobReport)
	require.ErrorIs(t, err, errLockHeld, "held a minute after the run, against clock skew")
}
