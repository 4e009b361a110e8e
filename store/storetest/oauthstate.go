package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

func testOAuthStates(t *testing.T, s store.Store, clk *clock) {
	ctx, now := context.Background(), clk.Now()
	require.NoError(t, s.CreateOAuthState(ctx, store.OAuthState{State: "state-agent-000001", Agent: true}))
	require.NoError(t, s.CreateOAuthState(ctx, store.OAuthState{State: "state-single-00001"}))
	require.Error(t, s.CreateOAuthState(ctx, store.OAuthState{State: "state-agent-000001"}), "states are unique")
	require.Error(t, s.CreateOAuthState(ctx, store.OAuthState{State: "short"}))

	at := now.Add(6 * 24 * time.Hour)
	st, err := s.ConsumeOAuthState(ctx, "state-agent-000001", at)
	require.NoError(t, err, "a state is valid for 7 days")
	require.True(t, st.Agent)
	require.True(t, st.CreatedAt.Equal(now.Truncate(time.Millisecond)))
	require.True(t, st.ExpiresAt.Equal(now.Add(store.OAuthStateTTL).Truncate(time.Millisecond)))
	_, err = s.ConsumeOAuthState(ctx, "state-agent-000001", at)
	require.ErrorIs(t, err, store.ErrStateInvalid, "reused")
	_, err = s.ConsumeOAuthState(ctx, "state-forged-00001", at)
	require.ErrorIs(t, err, store.ErrStateInvalid, "unknown")
	_, err = s.ConsumeOAuthState(ctx, "state-single-00001", now.Add(store.OAuthStateTTL))
	require.ErrorIs(t, err, store.ErrStateInvalid, "expired")

	// A failed exchange releases its consumption: the state works again,
	// until it expires; releasing another consumption changes nothing.
	require.NoError(t, s.CreateOAuthState(ctx, store.OAuthState{State: "state-retry-000001", Agent: true}))
	used := now.Add(time.Hour)
	_, err = s.ConsumeOAuthState(ctx, "state-retry-000001", used)
	require.NoError(t, err)
	require.NoError(t, s.ReleaseOAuthState(ctx, "state-retry-000001", used))
	again := now.Add(2 * time.Hour)
	st, err = s.ConsumeOAuthState(ctx, "state-retry-000001", again)
	require.NoError(t, err, "usable again after a release")
	require.True(t, st.Agent)
	require.True(t, st.ExpiresAt.Equal(now.Add(store.OAuthStateTTL).Truncate(time.Millisecond)), "its expiry kept")
	require.NoError(t, s.ReleaseOAuthState(ctx, "state-retry-000001", used), "a stale release")
	_, err = s.ConsumeOAuthState(ctx, "state-retry-000001", again)
	require.ErrorIs(t, err, store.ErrStateInvalid, "a stale release does not undo a later use")
	require.NoError(t, s.ReleaseOAuthState(ctx, "state-retry-000001", again))
	_, err = s.ConsumeOAuthState(ctx, "state-retry-000001", now.Add(store.OAuthStateTTL))
	require.ErrorIs(t, err, store.ErrStateInvalid, "a released state still expires")

	// Concurrent callbacks with one state: one wins.
	require.NoError(t, s.CreateOAuthState(ctx, store.OAuthState{State: "state-race-0000001", CreatedAt: now}))
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.ConsumeOAuthState(ctx, "state-race-0000001", now.Add(time.Minute))
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins++
			} else if !errors.Is(err, store.ErrStateInvalid) {
				t.Errorf("consume: %v", err)
			}
		}()
	}
	wg.Wait()
	require.Equal(t, 1, wins)
}
