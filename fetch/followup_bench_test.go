package fetch_test

import (
	"fmt"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/secret"
	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/store/sqlite"
	"github.com/cluebot/cluebot/store/storetest"
)

// followupBudget is the developer app's API budget the figures are set
// against (Kuaishou allows about 3,000 calls a minute per app).
const followupBudget = 3000

// BenchmarkFollowupPolling counts the API calls a minute spent re-reading
// the accounts of CLUEBOT_BENCH_FOLLOWUPS open follow-ups (see
// storetest.FollowupSet; 100000 for the figure): the real adaptive
// scheduler (Syncer.SyncDue, with the store's HasOpenFollowups as Hot) on a
// fake clock against the simulated API, whose accounts get no new leads,
// polled every 10 simulated seconds for 6 minutes; the calls of the last 5
// are counted. The open follow-ups are spread over open/10 and open/100
// accounts; "none" is the same accounts without any, which settle at
// max_staleness. The scheduler runs without the budget's limiter (it
// waits in real time), so calls/min is what it asks for: budget-share over
// 1 means the budget would delay the re-reads, and with them the reminders.
func BenchmarkFollowupPolling(b *testing.B) {
	set := storetest.FollowupScale(b)
	for _, per := range []int{10, 100} {
		f := storetest.FollowupSet{Open: set.Open, Accounts: max(set.Open/per, 1)}
		for _, open := range []bool{true, false} {
			name := fmt.Sprintf("accounts=%d/open=%d", f.Accounts, f.Open)
			if !open {
				name = fmt.Sprintf("accounts=%d/none", f.Accounts)
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					calls := pollFollowups(b, f, open)
					b.ReportMetric(calls, "calls/min")
					b.ReportMetric(calls/followupBudget, "budget-share")
				}
			})
		}
	}
}

// pollFollowups runs the scheduler over f's accounts (with f's timers
// stored when open) and returns the API calls a minute it made once settled.
func pollFollowups(b *testing.B, f storetest.FollowupSet, open bool) float64 {
	b.StopTimer()
	clk := clockwork.NewFakeClockAt(storetest.FollowupNow)
	api := sim.New(sim.Options{AppID: appID, Secret: appSecret, Now: clk.Now})
	srv := httptest.NewServer(api)
	defer srv.Close()
	st, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "c.db"), sqlite.Options{Now: clk.Now})
	require.NoError(b, err)
	defer st.Close()
	cfg := &fetch.Config{BaseURL: srv.URL, AppID: appID, Secret: appSecret, PageSize: 200,
		PollInterval: time.Minute, MaxStaleness: 5 * time.Minute, HotWindow: 30 * time.Minute,
		Lookback: time.Hour, Backfill: time.Hour, Window: 24 * time.Hour, Concurrency: 8,
		Timeout: 10 * time.Second, Retries: 3, RetryBackoff: time.Millisecond, RetryMax: time.Millisecond,
		CallsPerMinute: followupBudget}
	for i := range f.Accounts {
		id := f.Account(i)
		api.AddAccount(id, fmt.Sprintf("a-%d", id), fmt.Sprintf("r-%d", id))
		cfg.Accounts = append(cfg.Accounts, fetch.Account{AdvertiserID: id, AccessToken: secret.String(fmt.Sprintf("a-%d", id))})
	}
	if open {
		storetest.SeedFollowups(b, st, f)
	}
	log := slog.New(slog.DiscardHandler)
	client := fetch.NewClient(cfg, nil, log)
	s := fetch.NewSyncer(cfg, client, fetch.NewTokens(client, st, cfg, log, clk.Now), st, log, clk.Now)
	s.Hot = st.HasOpenFollowups
	b.StartTimer()

	const step, warm, span = 10 * time.Second, time.Minute, 5 * time.Minute
	var before int
	for elapsed := time.Duration(0); elapsed < warm+span; elapsed += step {
		if elapsed == warm {
			before = api.Stats().ListCalls
		}
		_, err := s.SyncDue(b.Context(), st, "bench")
		require.NoError(b, err)
		clk.Advance(step)
	}
	calls := api.Stats().ListCalls - before
	has, err := st.HasOpenFollowups(b.Context(), f.Account(0))
	require.NoError(b, err)
	require.Equal(b, open, has, "the follow-ups stayed open")
	return float64(calls) / span.Minutes()
}
