package fetch_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/secret"
	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/store/postgres"
	"github.com/cluebot/cluebot/store/postgres/pgtest"
)

// BenchmarkPollCycle polls 10,000 accounts (CLUEBOT_BENCH_ACCOUNTS to change
// it) against a local simulated API with 1, 2 and 4 instances sharing one
// PostgreSQL (CLUEBOT_TEST_POSTGRES; skipped without it): the time for every
// account to be pulled once, the instances splitting them by lease.
func BenchmarkPollCycle(b *testing.B) {
	dsn := pgtest.DSN(b)
	n := 10_000
	if v := os.Getenv("CLUEBOT_BENCH_ACCOUNTS"); v != "" {
		fmt.Sscan(v, &n)
	}
	s := sim.New(sim.Options{AppID: appID, Secret: appSecret})
	srv := httptest.NewServer(s)
	b.Cleanup(srv.Close)
	var accounts []fetch.Account
	for i := 0; i < n; i++ {
		id := int64(50000000 + i)
		s.AddAccount(id, fmt.Sprintf("a-%d", id), fmt.Sprintf("r-%d", id))
		accounts = append(accounts, fetch.Account{AdvertiserID: id, AccessToken: secret.String(fmt.Sprintf("a-%d", id))})
	}
	for _, instances := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("instances=%d", instances), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				_, schema := pgtest.FreshSchema(b)
				var syncers []*fetch.Syncer
				var stores []*postgres.Store
				for k := 0; k < instances; k++ {
					st, err := postgres.Open(context.Background(), dsn, postgres.Options{Schema: schema})
					require.NoError(b, err)
					b.Cleanup(func() { st.Close() })
					cfg := &fetch.Config{BaseURL: srv.URL, AppID: appID, Secret: appSecret, PageSize: 200,
						PollInterval: time.Minute, MaxStaleness: 5 * time.Minute, Lookback: time.Hour, Backfill: time.Hour,
						Window: 24 * time.Hour, Concurrency: 8, Timeout: 10 * time.Second, Retries: 3,
						RetryBackoff: time.Millisecond, RetryMax: time.Millisecond, Accounts: accounts}
					client := fetch.NewClient(cfg, nil, nil)
					syncers = append(syncers, fetch.NewSyncer(cfg, client, fetch.NewTokens(client, st, cfg, nil, time.Now), st, nil, time.Now))
					stores = append(stores, st)
				}
				b.StartTimer()
				start := time.Now()
				var wg sync.WaitGroup
				pulled := make([]int, instances)
				for k := range syncers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						res, err := syncers[k].SyncDue(context.Background(), stores[k], fmt.Sprint("i", k))
						require.NoError(b, err)
						pulled[k] = len(res)
					}()
				}
				wg.Wait()
				took := time.Since(start)
				b.StopTimer()
				total := 0
				for _, p := range pulled {
					total += p
				}
				require.Equal(b, n, total, "every account pulled once in the cycle")
				b.ReportMetric(took.Seconds(), "cycle-s")
				b.ReportMetric(float64(n)/took.Seconds(), "accounts/s")
			}
		})
	}
}
