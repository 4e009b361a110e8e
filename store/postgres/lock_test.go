package postgres

import (
	"context"
	"crypto/rand"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// tryLock takes key on s and reports whether it got it; a lock it got is
// released when the test ends.
func tryLock(t *testing.T, s *Store, key string) (unlock func(), ok bool) {
	t.Helper()
	unlock, ok, err := s.TryLock(t.Context(), key)
	require.NoError(t, err)
	if ok {
		t.Cleanup(unlock)
	}
	return unlock, ok
}

// TestTryLock checks that a key is held by one session at a time, across
// stores as across processes, until it is unlocked or its store closed.
func TestTryLock(t *testing.T) {
	a, b := openTest(t), openTest(t) // the locks are database-wide: schemas do not matter
	key, other := "cluebot-test-job-"+rand.Text(), "cluebot-test-other-"+rand.Text()

	unlockA, ok := tryLock(t, a, key)
	require.True(t, ok, "a free key is taken")
	_, ok = tryLock(t, b, key)
	require.False(t, ok, "another store cannot take it")
	_, ok = tryLock(t, a, key)
	require.False(t, ok, "nor can the same store, a second time")
	_, ok = tryLock(t, b, other)
	require.True(t, ok, "another key is independent")

	unlockA()
	unlockB, ok := tryLock(t, b, key)
	require.True(t, ok, "an unlocked key is free again")
	unlockA() // a second call does nothing: b keeps the key
	_, ok = tryLock(t, a, key)
	require.False(t, ok)

	require.NoError(t, b.Close())
	unlockB() // after Close: nothing left to release
	_, ok = tryLock(t, a, key)
	require.True(t, ok, "closing a store releases its locks")
	_, _, err := b.TryLock(t.Context(), other)
	require.ErrorIs(t, err, errClosed)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, _, err = a.TryLock(ctx, other)
	require.ErrorIs(t, err, context.Canceled)
}

// TestTryLockRace checks that of many simultaneous attempts on two stores
// exactly one takes the key.
func TestTryLockRace(t *testing.T) {
	const attempts = 8
	stores := []*Store{openTest(t), openTest(t)}
	key := "cluebot-test-race-" + rand.Text()
	var won atomic.Int32
	errs := make([]error, attempts)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range attempts {
		wg.Go(func() {
			<-start
			unlock, ok, err := stores[i%2].TryLock(context.Background(), key)
			errs[i] = err
			if ok {
				won.Add(1)
				t.Cleanup(unlock)
			}
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "attempt %d", i)
	}
	require.Equal(t, int32(1), won.Load())
}
