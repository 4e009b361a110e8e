package fetch_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
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
