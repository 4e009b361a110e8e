package fetch_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/secret"
	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/postgres"
	"github.com/cluebot/cluebot/store/postgres/pgtest"
)

// delayRun is one load run of BenchmarkPollDelay: 10,000 accounts, 5% of
// them active, under a 3,000 calls/minute budget, in real time.
type delayRun struct {
	accounts, instances int
	active              float64       // share of accounts with leads
	activeEvery         time.Duration // mean time between an active account's leads
	quietPerMinute      float64       // leads a minute on all the other accounts together
	budget              int           // kuaishou.calls_per_minute
	poll, staleness     time.Duration
	hot                 time.Duration
	length, warmUp      time.Duration
}

// arrival is a lead the simulated API received, and when.
type arrival struct {
	id     string
	at     time.Time
	active bool
}

// BenchmarkPollDelay measures the delay from a lead's arrival at the API to
// its pull, under the shared API budget, with 2 instances sharing one
// PostgreSQL (CLUEBOT_TEST_POSTGRES) and polling adaptively as `cluebot run`
// does. It runs in real time for CLUEBOT_BENCH_DELAY (e.g. 15m) and is
// skipped without it; `make bench-delay` runs it. Leads arriving while the
// first cycle of all accounts works through the budget are left out of the
// figures, and so are those arriving too near the end to be due by then.
func BenchmarkPollDelay(b *testing.B) {
	dsn, length := os.Getenv("CLUEBOT_TEST_POSTGRES"), os.Getenv("CLUEBOT_BENCH_DELAY")
	if dsn == "" || length == "" {
		b.Skip("set CLUEBOT_TEST_POSTGRES and CLUEBOT_BENCH_DELAY (a duration, 15m or more) to run")
	}
	d, err := time.ParseDuration(length)
	require.NoError(b, err)
	run := delayRun{accounts: 10_000, instances: 2, active: 0.05, activeEvery: 5 * time.Minute,
		quietPerMinute: 2, budget: 3000, poll: 40 * time.Second, staleness: 5 * time.Minute,
		hot: 30 * time.Minute, length: d}
	if v := os.Getenv("CLUEBOT_BENCH_ACCOUNTS"); v != "" {
		fmt.Sscan(v, &run.accounts)
	}
	// The first cycle works through every account at the budget's pace;
	// leads arriving before it is over (and a minute more) are not counted.
	run.warmUp = time.Duration(run.accounts/run.budget+2) * time.Minute
	for i := 0; i < b.N; i++ {
		run.measure(b, dsn)
	}
}

func (r delayRun) measure(b *testing.B, dsn string) {
	ctx := context.Background()
	s := sim.New(sim.Options{AppID: appID, Secret: appSecret, Seed: 7})
	srv := httptest.NewServer(s)
	defer srv.Close()
	var calls callLog
	s.OnList(func(sim.ListRequest, int) { calls.add(time.Now()) })
	accounts := make([]fetch.Account, r.accounts)
	now := time.Now()
	for i := range accounts {
		id := int64(60000000 + i)
		s.AddAccount(id, fmt.Sprintf("a-%d", id), fmt.Sprintf("r-%d", id))
		accounts[i] = fetch.Account{AdvertiserID: id, AccessToken: secret.String(fmt.Sprintf("a-%d", id))}
		if r.isActive(i) { // as in life, the active accounts had leads in the last hour
			s.Generate(id, 2, now.Add(-time.Hour), now.Add(-time.Minute))
		}
	}
	_, schema := pgtest.FreshSchema(b)
	cfg := &fetch.Config{BaseURL: srv.URL, AppID: appID, Secret: appSecret, PageSize: 200,
		PollInterval: r.poll, MaxStaleness: r.staleness, HotWindow: r.hot, CallsPerMinute: r.budget,
		Lookback: time.Hour, Backfill: time.Hour, Window: 24 * time.Hour, Concurrency: 8,
		Timeout: 10 * time.Second, Retries: 3, RetryBackoff: 10 * time.Millisecond, RetryMax: time.Second,
		Accounts: accounts, DiscoverInterval: time.Hour, OAuth: fetch.OAuthConfig{AuthorizeURL: fetch.DefaultAuthorizeURL}}
	require.NoError(b, cfg.Validate())

	runCtx, stop := context.WithTimeout(ctx, r.length)
	defer stop()
	var wg sync.WaitGroup
	var st0 *postgres.Store
	for k := 0; k < r.instances; k++ {
		st, err := postgres.Open(ctx, dsn, postgres.Options{Schema: schema})
		require.NoError(b, err)
		defer st.Close()
		st0 = st
		client := fetch.NewClient(cfg, nil, nil)
		client.AddLimiter(fetch.Budget{Store: st, PerMinute: r.budget})
		syncer := fetch.NewSyncer(cfg, client, fetch.NewTokens(client, st, cfg, nil, time.Now), st, nil, time.Now)
		wg.Add(1)
		go func() { // the daemon's pull job: every poll_interval/10, one run at a time
			defer wg.Done()
			tick := time.NewTicker(max(time.Second, r.poll/10))
			defer tick.Stop()
			for runCtx.Err() == nil {
				_, _ = syncer.SyncDue(runCtx, st, fmt.Sprint("instance-", k))
				select {
				case <-runCtx.Done():
				case <-tick.C:
				}
			}
		}()
	}
	b.ResetTimer()
	arrivals := r.arrive(runCtx, s, accounts)
	wg.Wait()
	b.StopTimer()

	seen := map[string]time.Time{}
	require.NoError(b, st0.IterateClues(ctx, store.ClueFilter{}, func(c *store.Clue) error {
		seen[c.ID] = c.FirstSeen
		return nil
	}))
	var active, quiet []time.Duration
	missed := 0
	start := arrivals[0].at.Add(-time.Second)
	for _, a := range arrivals {
		got, ok := seen[a.id]
		tail := 2 * time.Minute // an active lead arriving later may not be due by the end
		if !a.active {
			tail = r.staleness + time.Minute
		}
		if a.at.Sub(start) < r.warmUp || a.at.After(start.Add(r.length-tail)) {
			continue
		}
		if !ok { // not pulled by the end: counted with the delay so far
			missed++
			got = start.Add(r.length)
		}
		if a.active {
			active = append(active, got.Sub(a.at))
		} else {
			quiet = append(quiet, got.Sub(a.at))
		}
	}
	require.NotEmpty(b, active)
	b.ReportMetric(float64(missed), "unpulled")
	report := func(name string, ds []time.Duration) {
		slices.Sort(ds)
		q := func(p float64) float64 { return ds[min(len(ds)-1, int(p*float64(len(ds))))].Seconds() }
		b.ReportMetric(float64(len(ds)), name+"-leads")
		b.ReportMetric(q(0.50), name+"-p50-s")
		b.ReportMetric(q(0.95), name+"-p95-s")
		b.ReportMetric(ds[len(ds)-1].Seconds(), name+"-max-s")
	}
	report("active", active)
	if len(quiet) > 0 {
		report("quiet", quiet)
	}
	peak, total := calls.peakPerMinute(start.Add(r.warmUp))
	b.ReportMetric(float64(peak), "peak-calls/min")
	b.ReportMetric(float64(total)/(r.length-r.warmUp).Minutes(), "calls/min")
}

// arrive adds leads until ctx ends: to each active account one every
// activeEvery on average, and quietPerMinute across the other accounts, both
// as Poisson processes. It returns every lead added.
func (r delayRun) arrive(ctx context.Context, s *sim.Server, accounts []fetch.Account) []arrival {
	rng := rand.New(rand.NewPCG(7, 11))
	nActive := int(float64(len(accounts)) * r.active)
	rate := float64(nActive)/r.activeEvery.Minutes() + r.quietPerMinute // leads a minute
	var out []arrival
	for {
		wait := time.Duration(rng.ExpFloat64() / rate * float64(time.Minute))
		select {
		case <-ctx.Done():
			return out
		case <-time.After(wait):
		}
		isActive := rng.Float64()*rate < float64(nActive)/r.activeEvery.Minutes()
		i := rng.IntN(len(accounts))
		for r.isActive(i) != isActive {
			i = rng.IntN(len(accounts))
		}
		acct := accounts[i].AdvertiserID
		at := time.Now()
		ids := s.Generate(acct, 1, at.Add(-time.Second), at)
		out = append(out, arrival{id: ids[0], at: at, active: isActive})
	}
}

// isActive reports whether the i-th account is one of the active ones,
// spread evenly over the accounts.
func (r delayRun) isActive(i int) bool {
	every := int(1 / r.active)
	return i%every == 0
}

// callLog records when each API call was made.
type callLog struct {
	mu sync.Mutex
	at []time.Time
}

func (l *callLog) add(t time.Time) {
	l.mu.Lock()
	l.at = append(l.at, t)
	l.mu.Unlock()
}

// peakPerMinute returns the most calls in any 60 s from since on, and the
// calls since then in all.
func (l *callLog) peakPerMinute(since time.Time) (peak, total int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	lo := 0
	for hi, t := range l.at {
		if t.Before(since) {
			lo = hi + 1
			continue
		}
		total++
		for l.at[lo].Before(t.Add(-time.Minute)) {
			lo++
		}
		peak = max(peak, hi-lo+1)
	}
	return peak, total
}
