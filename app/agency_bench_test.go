package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/onboard"
	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/postgres"
	"github.com/cluebot/cluebot/store/postgres/pgtest"
)

// agencyRun is one run of BenchmarkAgencyOnboarding.
type agencyRun struct {
	advertisers int           // under the one agency authorization
	instances   int           // sharing the PostgreSQL schema
	budget      int           // kuaishou.calls_per_minute
	latency     time.Duration // the simulated API's answer time
	accessTTL   time.Duration // the agency's access token lifetime
	leadsEvery  int           // every leadsEvery-th advertiser has leads
}

// BenchmarkAgencyOnboarding measures agency onboarding at scale on
// PostgreSQL (CLUEBOT_TEST_POSTGRES): one agency authorization covering
// 10,000 advertisers (CLUEBOT_BENCH_ACCOUNTS to change), added as `cluebot
// auth add` adds it while two instances poll as `cluebot run` does, under
// a 3,000 calls/minute budget shared through the store. It reports the time
// from auth add to every advertiser's first pull, the API calls spent on
// the exchange, discovery and refresh (counted at the simulator), and the
// latency of `cluebot accounts`' read at that size. It runs in real time
// (about 3.5 minutes at 10,000 advertisers) and only with
// CLUEBOT_BENCH_AGENCY=1; `make bench-agency` runs it.
// CLUEBOT_BENCH_LATENCY sets the simulator's answer time (default 100ms).
func BenchmarkAgencyOnboarding(b *testing.B) {
	if os.Getenv("CLUEBOT_BENCH_AGENCY") != "1" {
		b.Skip("CLUEBOT_BENCH_AGENCY=1 (and CLUEBOT_TEST_POSTGRES) runs it, in real time")
	}
	r := agencyRun{advertisers: 10_000, instances: 2, budget: 3000, latency: 100 * time.Millisecond,
		accessTTL: 150 * time.Second, leadsEvery: 10}
	if v := os.Getenv("CLUEBOT_BENCH_ACCOUNTS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(b, err, "CLUEBOT_BENCH_ACCOUNTS")
		r.advertisers = n
	}
	if v := os.Getenv("CLUEBOT_BENCH_LATENCY"); v != "" {
		d, err := time.ParseDuration(v)
		require.NoError(b, err, "CLUEBOT_BENCH_LATENCY")
		r.latency = d
	}
	for range b.N {
		r.measure(b)
	}
}

func (r agencyRun) measure(b *testing.B) {
	ctx := context.Background()
	dsn, schema := pgtest.FreshSchema(b)
	const agency, code = int64(18000000), "bench-agency-code"
	s := sim.New(sim.Options{AppID: 77, Secret: "bench-secret", Seed: 5, AccessTTL: r.accessTTL})
	members := make([]int64, r.advertisers)
	leads, now := 0, time.Now()
	for i := range members {
		members[i] = agency + 1 + int64(i)
	}
	s.AddAgency(agency, members...)
	for i, id := range members {
		if i%r.leadsEvery == 0 {
			leads += len(s.Generate(id, 1+i%5, now.Add(-20*time.Hour), now.Add(-time.Minute)))
		}
	}
	s.AddAgencyAuthCode(code, agency)
	var mu sync.Mutex
	var calls []time.Time // every API call, when it arrived
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		calls = append(calls, time.Now())
		mu.Unlock()
		time.Sleep(r.latency)
		s.ServeHTTP(w, req)
	}))
	defer srv.Close()
	firstPull := make(map[int64]time.Time, r.advertisers)
	allPulled := make(chan time.Time, 1)
	s.OnList(func(req sim.ListRequest, _ int) {
		mu.Lock()
		defer mu.Unlock()
		at := time.Now()
		if _, ok := firstPull[req.AdvertiserID]; !ok {
			firstPull[req.AdvertiserID] = at
			if len(firstPull) == r.advertisers {
				allPulled <- at
			}
		}
	})

	cfg := fetch.Config{BaseURL: srv.URL, AppID: 77, Secret: "bench-secret", PageSize: 200,
		PollInterval: 40 * time.Second, MaxStaleness: 5 * time.Minute, HotWindow: 30 * time.Minute,
		CallsPerMinute: r.budget, Lookback: time.Hour, Backfill: 24 * time.Hour, Window: 24 * time.Hour,
		Concurrency: 8, Timeout: 10 * time.Second, Retries: 3, RetryBackoff: 10 * time.Millisecond,
		RetryMax: time.Second, RefreshAhead: 30 * time.Second, DiscoverInterval: time.Hour,
		OAuth: fetch.OAuthConfig{AuthorizeURL: fetch.DefaultAuthorizeURL}}
	require.NoError(b, cfg.Validate())
	log := slog.New(slog.DiscardHandler)
	stores := make([]*postgres.Store, r.instances)
	for i := range stores {
		st, err := postgres.Open(ctx, dsn, postgres.Options{Schema: schema})
		require.NoError(b, err)
		defer st.Close()
		stores[i] = st
	}

	// The instances run before the authorization exists, as `cluebot run`
	// would: their pull job finds its advertisers in the store.
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	for i, st := range stores {
		syncer := app.NewSyncer(&config.Config{Kuaishou: cfg}, st, log)
		wg.Go(func() { // the daemon's pull job: every poll_interval/10, one run at a time
			tick := time.NewTicker(max(time.Second, cfg.PollInterval/10))
			defer tick.Stop()
			for runCtx.Err() == nil {
				_, _ = syncer.SyncDue(runCtx, st, fmt.Sprint("instance-", i))
				select {
				case <-runCtx.Done():
				case <-tick.C:
				}
			}
		})
	}

	b.ResetTimer()
	start := time.Now()
	res, err := app.NewOnboarder(cfg, stores[0], log).Authorize(ctx, code, true) // cluebot auth add --code
	require.NoError(b, err)
	discovered := time.Since(start)
	require.Equal(b, r.advertisers, res.Advertisers)
	afterAdd := s.Stats()
	select {
	case <-allPulled: // the last advertiser's first page was asked for
	case <-time.After(3 * time.Duration(r.advertisers/r.budget+2) * time.Minute):
		mu.Lock()
		n := len(firstPull)
		mu.Unlock()
		b.Fatalf("%d of %d advertisers pulled after %s", n, r.advertisers, time.Since(start))
	}
	// Pulled once: the store has every advertiser's successful pull.
	var done time.Time
	require.Eventually(b, func() bool {
		done = time.Now()
		return allOK(b, stores[1], len(members))
	}, time.Minute, 250*time.Millisecond, "every advertiser pulled")
	b.StopTimer()
	require.Equal(b, leads, storedLeads(b, stores[1]), "every lead stored")
	// `cluebot accounts` is read while the instances go on polling.
	latencies := accountsLatency(b, stores[0], members, 21)
	stop()
	wg.Wait()
	st := s.Stats()
	mu.Lock()
	peak, peakSecond := peakPer(calls, time.Minute), peakPer(calls, time.Second)
	mu.Unlock()
	b.ReportMetric(done.Sub(start).Seconds(), "s-to-all-pulled")
	b.ReportMetric(float64(discovered.Milliseconds()), "auth-add-ms")
	b.ReportMetric(float64(afterAdd.ApprovalCalls), "discovery-calls")
	b.ReportMetric(float64(st.ExchangeCalls), "exchange-calls")
	b.ReportMetric(float64(st.RefreshCalls), "refresh-calls")
	b.ReportMetric(float64(st.ListCalls), "list-calls")
	// Calls refused for a token the other instance had just rotated away,
	// each retried with the new one.
	b.ReportMetric(float64(st.AuthRejections), "token-rejections")
	// Every call, counted when it arrives, as the vendor counts them; the
	// budget counts them when made, at most twice the average rate a second.
	b.ReportMetric(float64(peak), "peak-calls/min")
	b.ReportMetric(float64(peakSecond), "peak-calls/s")
	b.ReportMetric(float64(leads), "leads")
	b.ReportMetric(ms(latencies[len(latencies)/2]), "accounts-p50-ms")
	b.ReportMetric(ms(latencies[len(latencies)*95/100]), "accounts-p95-ms")
	require.LessOrEqual(b, st.RefreshCalls, 1+int(time.Since(start)/(r.accessTTL-cfg.RefreshAhead)),
		"one refresh per token lifetime, for all advertisers and instances")
}

// storedLeads counts the clues stored.
func storedLeads(b *testing.B, st store.Store) int {
	n := 0
	require.NoError(b, st.IterateClues(context.Background(), store.ClueFilter{}, func(*store.Clue) error {
		n++
		return nil
	}))
	return n
}

// allOK reports whether `cluebot accounts` shows n accounts, each pulled
// and not failing.
func allOK(b *testing.B, st store.Store, n int) bool {
	lines, _, err := onboard.Accounts(context.Background(), st.(store.AccountStatsStore), nil, nil, time.Now(),
		store.Silence{}, time.Now())
	require.NoError(b, err)
	ok := 0
	for _, l := range lines {
		if l.Status == store.AccountOK {
			ok++
		}
	}
	return ok == n
}

// accountsLatency times `cluebot accounts`' read (onboard.Accounts) runs
// times, after one warm-up, and returns the times sorted. Every advertiser
// must be listed, pulled and not failing.
func accountsLatency(b *testing.B, st store.Store, members []int64, runs int) []time.Duration {
	ctx := context.Background()
	since := time.Now().Truncate(24 * time.Hour)
	var out []time.Duration
	for i := 0; i <= runs; i++ {
		start := time.Now()
		lines, _, err := onboard.Accounts(ctx, st.(store.AccountStatsStore), nil, nil, since,
			store.Silence{After: 72 * time.Hour}, start)
		took := time.Since(start)
		require.NoError(b, err)
		require.Len(b, lines, len(members))
		if i == 0 {
			for _, l := range lines {
				require.Equal(b, store.AccountOK, l.Status, "advertiser %d: %s", l.AdvertiserID, l.Error)
			}
			continue
		}
		out = append(out, took)
	}
	slices.Sort(out)
	return out
}

// peakPer returns the most calls in any window of length d; calls are in
// order.
func peakPer(calls []time.Time, d time.Duration) int {
	peak, lo := 0, 0
	for hi, t := range calls {
		for !calls[lo].After(t.Add(-d)) {
			lo++
		}
		peak = max(peak, hi-lo+1)
	}
	return peak
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
