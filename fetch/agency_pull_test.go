package fetch_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/secret"
	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/postgres"
	"github.com/cluebot/cluebot/store/postgres/pgtest"
	"github.com/cluebot/cluebot/store/sqlite"
)

// agencyEnv is a simulator with agencies and two instances' stores, which
// share one database.
type agencyEnv struct {
	sim    *sim.Server
	cfg    *fetch.Config
	stores [2]store.Store
	pulled sync.Map // advertiser id → *atomic.Int64 of first pages listed
}

// backends runs fn on SQLite, and on PostgreSQL when CLUEBOT_TEST_POSTGRES is set.
func backends(t *testing.T, fn func(t *testing.T, open func(t *testing.T) [2]store.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, func(t *testing.T) [2]store.Store {
			st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
			require.NoError(t, err)
			t.Cleanup(func() { st.Close() })
			return [2]store.Store{st, st}
		})
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, func(t *testing.T) [2]store.Store {
			dsn, schema := pgtest.FreshSchema(t)
			var out [2]store.Store
			for i := range out {
				st, err := postgres.Open(context.Background(), dsn, postgres.Options{Schema: schema})
				require.NoError(t, err)
				t.Cleanup(func() { st.Close() })
				out[i] = st
			}
			return out
		})
	})
}

func newAgencyEnv(t *testing.T, stores [2]store.Store) *agencyEnv {
	s := sim.New(sim.Options{AppID: appID, Secret: appSecret, Seed: 3})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	e := &agencyEnv{sim: s, stores: stores, cfg: &fetch.Config{
		BaseURL: srv.URL, AppID: appID, Secret: appSecret, PageSize: 50,
		PollInterval: time.Minute, MaxStaleness: 5 * time.Minute, Lookback: time.Hour, Backfill: 24 * time.Hour,
		Window: 24 * time.Hour, Concurrency: 4, Timeout: 2 * time.Second, Retries: 5,
		RetryBackoff: time.Millisecond, RetryMax: 5 * time.Millisecond, RefreshAhead: time.Minute,
		DiscoverInterval: time.Hour}}
	s.OnList(func(req sim.ListRequest, page int) {
		if page == 1 {
			n, _ := e.pulled.LoadOrStore(req.AdvertiserID, &atomic.Int64{})
			n.(*atomic.Int64).Add(1)
		}
	})
	return e
}

// pulls returns how often each advertiser's first page was listed, and resets.
func (e *agencyEnv) pulls() map[int64]int {
	out := map[int64]int{}
	e.pulled.Range(func(k, v any) bool {
		out[k.(int64)] = int(v.(*atomic.Int64).Load())
		e.pulled.Delete(k)
		return true
	})
	return out
}

// syncer is instance i's syncer; onReauth may be nil.
func (e *agencyEnv) syncer(i int, onReauth fetch.ReauthFunc) *fetch.Syncer {
	client := fetch.NewClient(e.cfg, nil, nil)
	tokens := fetch.NewTokens(client, e.stores[i], e.cfg, nil, time.Now)
	tokens.UseAuthorizations(e.stores[i], fmt.Sprintf("instance-%d", i), onReauth)
	s := fetch.NewSyncer(e.cfg, client, tokens, e.stores[i], nil, time.Now)
	s.Auths = e.stores[i]
	return s
}

// addAgency makes an agency of n advertisers with 2 clues each in the
// simulator, and its authorization in the store, its access token expiring
// at accessExp. It returns the authorization's id and the advertisers.
func (e *agencyEnv) addAgency(t *testing.T, agency int64, n int, accessExp time.Time) (int64, []int64) {
	ctx := context.Background()
	members := make([]int64, n)
	for i := range members {
		members[i] = agency + 1 + int64(i)
	}
	e.sim.AddAgency(agency, members...)
	now := time.Now()
	for _, id := range members {
		e.sim.Generate(id, 2, now.Add(-time.Hour), now.Add(-time.Minute))
	}
	access, refresh := fmt.Sprintf("ag-%d-access", agency), fmt.Sprintf("ag-%d-refresh", agency)
	e.sim.SetAgencyTokens(agency, access, refresh)
	id, err := e.stores[0].PutAuthorization(ctx, store.Authorization{Type: store.AuthAgent, AdvertiserID: agency,
		AuthTokens: store.AuthTokens{AccessToken: secret.String(access), RefreshToken: secret.String(refresh),
			AccessExpiresAt: accessExp, RefreshExpiresAt: now.Add(30 * 24 * time.Hour)}})
	require.NoError(t, err)
	_, _, err = e.stores[0].SetAdvertisers(ctx, id, members, now)
	require.NoError(t, err)
	return id, members
}

// storedBy counts the stored clues by advertiser.
func (e *agencyEnv) storedBy(t *testing.T) map[int64]int {
	out := map[int64]int{}
	require.NoError(t, e.stores[0].IterateClues(context.Background(), store.ClueFilter{}, func(c *store.Clue) error {
		out[c.AdvertiserID]++
		return nil
	}))
	return out
}

// TestAgencyPullsEveryAdvertiserWithOneRefresh: two instances pull an
// agency's 50 advertisers with its one token, refreshed once ahead of its
// expiry and once after the vendor refused it, never once per advertiser or
// instance; advertisers that join are pulled after discovery, those that
// leave are not, and keep their leads.
func TestAgencyPullsEveryAdvertiserWithOneRefresh(t *testing.T) {
	backends(t, func(t *testing.T, open func(t *testing.T) [2]store.Store) {
		e := newAgencyEnv(t, open(t))
		ctx := context.Background()
		const agency = int64(19000000)
		authID, members := e.addAgency(t, agency, 50, time.Now().Add(30*time.Second)) // due: refresh_ahead is 1m
		a, b := e.syncer(0, nil), e.syncer(1, nil)

		var wg sync.WaitGroup
		for i, s := range []*fetch.Syncer{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.SyncDue(ctx, leases(e.stores[i]), fmt.Sprintf("instance-%d", i))
				require.NoError(t, err)
			}()
		}
		wg.Wait()
		require.Equal(t, 1, e.sim.Stats().RefreshCalls, "one refresh ahead of expiry for 50 advertisers and 2 instances")
		pulls := e.pulls()
		require.Len(t, pulls, 50)
		for _, id := range members {
			require.Equal(t, 1, pulls[id], "advertiser %d pulled once", id)
		}
		stored := e.storedBy(t)
		require.Len(t, stored, 50)
		access, _, _ := e.sim.AgencyTokens(agency)
		auth, err := e.stores[1].Authorization(ctx, authID)
		require.NoError(t, err)
		require.Equal(t, access, auth.AccessToken.Reveal(), "the rotated pair is stored")
		require.Equal(t, store.AuthOK, auth.Status)

		// One joins, one leaves; discovery records it; the vendor expires the token.
		joined := agency + 1000
		e.sim.AgencyJoin(agency, joined)
		e.sim.Generate(joined, 3, time.Now().Add(-2*time.Hour), time.Now().Add(-time.Minute))
		e.sim.AgencyLeave(agency, members[0])
		_, _, err = e.stores[0].SetAdvertisers(ctx, authID, append(slices.Clone(members[1:]), joined), time.Now())
		require.NoError(t, err)
		e.sim.ExpireAgencyToken(agency)
		for i, s := range []*fetch.Syncer{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.SyncAll(ctx)
				require.NoError(t, err, "instance %d", i)
			}()
		}
		wg.Wait()
		require.Equal(t, 2, e.sim.Stats().RefreshCalls, "one more refresh after the refusal, for everyone")
		pulls = e.pulls()
		require.NotContains(t, pulls, members[0], "an advertiser that left is not pulled")
		require.Contains(t, pulls, joined, "a discovered advertiser is pulled")
		stored = e.storedBy(t)
		require.Equal(t, 3, stored[joined], "backfilled")
		require.Equal(t, 2, stored[members[0]], "the leads of one that left stay")
	})
}

// TestAgencyNeedsReauthAfterARefusedRefresh: a refresh token the vendor
// refuses marks its authorization needs-reauth, tells the operator once,
// and stops its advertisers' pulls; another authorization carries on.
func TestAgencyNeedsReauthAfterARefusedRefresh(t *testing.T) {
	backends(t, func(t *testing.T, open func(t *testing.T) [2]store.Store) {
		e := newAgencyEnv(t, open(t))
		ctx := context.Background()
		goodID, good := e.addAgency(t, 19000000, 5, time.Now().Add(time.Hour))
		badID, bad := e.addAgency(t, 29000000, 5, time.Now().Add(time.Hour))
		e.sim.SetAgencyTokens(29000000, "rotated-elsewhere-access", "rotated-elsewhere-refresh")

		var notices []string
		var mu sync.Mutex
		onReauth := func(_ context.Context, a store.Authorization, msg string) {
			mu.Lock()
			defer mu.Unlock()
			notices = append(notices, fmt.Sprintf("%d %d", a.ID, a.AdvertiserID))
			require.NotContains(t, msg, "ag-29000000", "no token in the notice")
		}
		a, b := e.syncer(0, onReauth), e.syncer(1, onReauth)
		var wg sync.WaitGroup
		var failed atomic.Int64
		for _, s := range []*fetch.Syncer{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results, err := s.SyncAll(ctx)
				// An instance that lists its accounts after the other one
				// marked the authorization needs-reauth pulls only the good.
				require.Equal(t, err != nil, slices.ContainsFunc(results, func(r fetch.Result) bool { return r.Err != nil }))
				for _, r := range results {
					if r.Err != nil {
						require.Contains(t, bad, r.Account.AdvertiserID)
						require.ErrorIs(t, r.Err, fetch.ErrReauthorize)
						failed.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		require.Positive(t, failed.Load(), "the bad authorization's advertisers failed")
		require.Equal(t, []string{fmt.Sprintf("%d 29000000", badID)}, notices, "told once")
		auth, err := e.stores[0].Authorization(ctx, badID)
		require.NoError(t, err)
		require.Equal(t, store.AuthNeedsReauth, auth.Status)
		require.NotContains(t, auth.LastError, "ag-29000000")
		stored := e.storedBy(t)
		for _, id := range good {
			require.Equal(t, 2, stored[id])
		}

		e.pulls()
		results, err := a.SyncAll(ctx)
		require.NoError(t, err, "needs-reauth advertisers are no longer pulled")
		require.Len(t, results, 5)
		pulls := e.pulls()
		for _, id := range bad {
			require.NotContains(t, pulls, id)
		}
		require.Len(t, notices, 1)
		good0, err := e.stores[0].Authorization(ctx, goodID)
		require.NoError(t, err)
		require.Equal(t, store.AuthOK, good0.Status)
	})
}

// TestConfiguredAccountWinsOverAuthorization: an advertiser both in the
// config and under an authorization is pulled once, with the config's token.
func TestConfiguredAccountWinsOverAuthorization(t *testing.T) {
	backends(t, func(t *testing.T, open func(t *testing.T) [2]store.Store) {
		e := newAgencyEnv(t, open(t))
		_, members := e.addAgency(t, 19000000, 3, time.Now().Add(time.Hour))
		// members[0] authorized the app itself too, and is in cluebot.yaml.
		e.sim.AddAccount(members[0], "own-access", "own-refresh")
		e.cfg.Accounts = []fetch.Account{{AdvertiserID: members[0], Name: "自有", AccessToken: "own-access", RefreshToken: "own-refresh"}}
		s := e.syncer(0, nil)
		accounts, err := s.Accounts(context.Background())
		require.NoError(t, err)
		require.Len(t, accounts, 3)
		require.Equal(t, fetch.Account{AdvertiserID: members[0], Name: "自有", AccessToken: "own-access", RefreshToken: "own-refresh"}, accounts[0])
		results, err := s.SyncAll(context.Background())
		require.NoError(t, err)
		require.Len(t, results, 3)
		require.Equal(t, map[int64]int{members[0]: 1, members[1]: 1, members[2]: 1}, e.pulls())
	})
}

// leases is st's account leases.
func leases(st store.Store) fetch.LeaseStore { return st.(fetch.LeaseStore) }
