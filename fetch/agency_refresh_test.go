package fetch_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/sqlite"
)

// TestAgencyFailingRefreshIsTriedOncePerCycle: a refresh that fails (a
// wrong app secret, or the vendor's 5xx) is tried once for all of an
// authorization's advertisers, not once per advertiser, and not again
// before the next poll interval; then once more.
func TestAgencyFailingRefreshIsTriedOncePerCycle(t *testing.T) {
	for _, tc := range []struct {
		name   string
		secret string
		fail5x bool
	}{
		{name: "wrong app secret", secret: "not-the-secret"},
		{name: "5xx", secret: appSecret, fail5x: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			backends(t, func(t *testing.T, open func(t *testing.T) [2]store.Store) {
				e := newAgencyEnv(t, open(t))
				ctx := context.Background()
				var mu sync.Mutex
				clock := time.Now()
				now := func() time.Time {
					mu.Lock()
					defer mu.Unlock()
					return clock
				}
				authID, members := e.addAgency(t, 19000000, 30, clock.Add(-time.Second)) // expired
				var refreshes atomic.Int64
				front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/rest/openapi/oauth2/authorize/refresh_token" {
						refreshes.Add(1)
						if tc.fail5x {
							http.Error(w, "upstream down", http.StatusBadGateway)
							return
						}
					}
					e.sim.ServeHTTP(w, r)
				}))
				t.Cleanup(front.Close)
				cfg := *e.cfg
				cfg.BaseURL, cfg.Secret, cfg.Retries, cfg.Concurrency = front.URL, secret.String(tc.secret), 0, 8
				client := fetch.NewClient(&cfg, nil, nil)
				tokens := fetch.NewTokens(client, e.stores[0], &cfg, nil, now)
				tokens.UseAuthorizations(e.stores[0], "instance-0", nil)
				s := fetch.NewSyncer(&cfg, client, tokens, e.stores[0], nil, now)
				s.Auths = e.stores[0]

				for cycle, want := range []int64{1, 1, 2} {
					if cycle == 2 {
						mu.Lock()
						clock = clock.Add(cfg.PollInterval)
						mu.Unlock()
					}
					results, err := s.SyncAll(ctx)
					require.Error(t, err)
					require.Len(t, results, len(members))
					for _, r := range results {
						require.Error(t, r.Err, "advertiser %d", r.Account.AdvertiserID)
					}
					require.Equal(t, want, refreshes.Load(), "cycle %d: one refresh for %d advertisers", cycle, len(members))
				}
				auth, err := e.stores[0].Authorization(ctx, authID)
				require.NoError(t, err)
				require.Equal(t, store.AuthOK, auth.Status, "not refused for good: no re-auth")
			})
		})
	}
}

// TestAgencyRefreshLeasedElsewhereIsAwaitedOnce: while another instance
// holds an authorization's refresh lease and never ends it, its
// advertisers here give up after one wait, not one wait each.
func TestAgencyRefreshLeasedElsewhereIsAwaitedOnce(t *testing.T) {
	defer fetch.SetAuthWait(time.Second)()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	e := newAgencyEnv(t, [2]store.Store{st, st})
	ctx := context.Background()
	authID, members := e.addAgency(t, 19000000, 10, time.Now().Add(-time.Second)) // expired
	_, err = st.ClaimRefresh(ctx, store.RefreshClaim{AuthorizationID: authID, Owner: "instance-1",
		Now: time.Now(), Lease: time.Hour})
	require.NoError(t, err)
	e.cfg.Concurrency = 10
	start := time.Now()
	results, err := e.syncer(0, nil).SyncAll(ctx)
	require.Error(t, err)
	require.Len(t, results, len(members))
	for _, r := range results {
		require.ErrorIs(t, r.Err, store.ErrLeased)
	}
	require.Less(t, time.Since(start), 4*time.Second, "one wait of 1s, not 10")
	require.Zero(t, e.sim.Stats().RefreshCalls)
}

// TestAgencyBackoffTakesAPairRefreshedElsewhere: while one instance backs
// off after a failed refresh, a pair another instance stored is taken
// without waiting for the backoff to end.
func TestAgencyBackoffTakesAPairRefreshedElsewhere(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	e := newAgencyEnv(t, [2]store.Store{st, st})
	ctx := context.Background()
	_, members := e.addAgency(t, 19000000, 5, time.Now().Add(-time.Second)) // expired
	good := e.cfg
	bad := *good
	bad.Secret = "not-the-secret"
	e.cfg = &bad
	s0 := e.syncer(0, nil)
	_, err = s0.SyncAll(ctx) // fails, and backs off
	require.Error(t, err)
	require.Equal(t, 1, e.sim.Stats().RefreshCalls)

	e.cfg = good
	s1 := e.syncer(1, nil)
	results, err := s1.SyncAll(ctx) // refreshes with the right secret
	require.NoError(t, err)
	require.Len(t, results, len(members))
	require.Equal(t, 2, e.sim.Stats().RefreshCalls)

	results, err = s0.SyncAll(ctx)
	require.NoError(t, err, "instance 0 takes the stored pair during its backoff")
	require.Len(t, results, len(members))
	require.Equal(t, 2, e.sim.Stats().RefreshCalls, "without a call")
}
