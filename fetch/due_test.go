package fetch_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	sim "github.com/cluebot/cluebot/sim/kuaishou"
)

func TestNextPollKeepsHotAccountsHotThenBacksOff(t *testing.T) {
	// Hot for 2 quiet pulls after new clues, then 2, 4, capped at 5 minutes.
	cfg := fetch.Config{PollInterval: time.Minute, MaxStaleness: 5 * time.Minute, HotWindow: 2 * time.Minute}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name          string
		found, failed bool
		quiet         int
		wantWait      time.Duration
		wantQuiet     int
	}{
		{"new clues: soon, and hot", true, false, 4, time.Minute, 0},
		{"failed: soon, but not hot", false, true, 4, time.Minute, 4},
		{"first quiet pull: still hot", false, false, 0, time.Minute, 1},
		{"last hot pull", false, false, 1, time.Minute, 2},
		{"hot window over: doubles", false, false, 2, 2 * time.Minute, 3},
		{"doubles again", false, false, 3, 4 * time.Minute, 4},
		{"capped at max_staleness", false, false, 4, 5 * time.Minute, 5},
		{"the count stops growing", false, false, 40, 5 * time.Minute, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			next, quiet := cfg.NextPoll(now, tc.found, tc.failed, tc.quiet)
			require.Equal(t, tc.wantWait, next.Sub(now))
			require.Equal(t, tc.wantQuiet, quiet)
		})
	}
	t.Run("no hot window: backs off at once", func(t *testing.T) {
		cfg := cfg
		cfg.HotWindow = 0
		next, quiet := cfg.NextPoll(now, false, false, 0)
		require.Equal(t, 2*time.Minute, next.Sub(now))
		require.Equal(t, 1, quiet)
	})
}

func TestStalenessCallsBoundTheBudget(t *testing.T) {
	cfg := fetch.Config{PollInterval: 30 * time.Second, MaxStaleness: 5 * time.Minute,
		Accounts: make([]fetch.Account, 10_000)}
	require.Equal(t, 2000, cfg.StalenessCalls(), "10,000 accounts every 5 minutes")
	cfg.MaxStaleness = 0 // never less than poll_interval
	require.Equal(t, 20_000, cfg.StalenessCalls())
}

func TestSyncDueSplitsAccountsBetweenInstances(t *testing.T) {
	h := newHarness(t, sim.Options{Seed: 9}, 6)
	h.cfg.MaxStaleness = 5 * time.Minute
	h.cfg.HotWindow = 2 * h.cfg.PollInterval
	now := time.Now()
	for _, a := range h.cfg.Accounts[:3] {
		h.sim.Generate(a.AdvertiserID, 20, now.Add(-time.Hour), now.Add(-time.Minute))
	}
	ctx := context.Background()
	// Two instances on one store pull at once: each account once in all.
	var pulls atomic.Int64
	h.sim.OnList(func(req sim.ListRequest, page int) { pulls.Add(1) })
	a, b := h.newSyncer(), h.newSyncer()
	done := make(chan []fetch.Result, 2)
	go func() { r, err := a.SyncDue(ctx, h.store, "a"); require.NoError(t, err); done <- r }()
	go func() { r, err := b.SyncDue(ctx, h.store, "b"); require.NoError(t, err); done <- r }()
	seen := map[int64]int{}
	for i := 0; i < 2; i++ {
		for _, r := range <-done {
			seen[r.Account.AdvertiserID]++
		}
	}
	require.Len(t, seen, 6)
	for id, n := range seen {
		require.Equal(t, 1, n, "account %d pulled once", id)
	}
	require.Equal(t, h.simIDs(), h.storedIDs(t))

	// Right after, nothing is due. The accounts that had clues are hot;
	// the ones whose first pull found none are settled quiet.
	res, err := a.SyncDue(ctx, h.store, "a")
	require.NoError(t, err)
	require.Empty(t, res)
	busy, err := h.store.AccountPoll(ctx, h.cfg.Accounts[0].AdvertiserID)
	require.NoError(t, err)
	quiet, err := h.store.AccountPoll(ctx, h.cfg.Accounts[5].AdvertiserID)
	require.NoError(t, err)
	require.Equal(t, 0, busy.QuietPolls)
	require.Greater(t, quiet.QuietPolls, 2, "past the hot window")
	// Spread between poll_interval and max_staleness after its pull, so a
	// crowd of new quiet accounts does not stay due all at once.
	pulled := busy.NextPollAt.Add(-h.cfg.PollInterval)
	require.True(t, quiet.NextPollAt.After(pulled.Add(h.cfg.PollInterval-time.Second)), "%s after the pull", quiet.NextPollAt.Sub(pulled))
	require.True(t, quiet.NextPollAt.Before(pulled.Add(h.cfg.MaxStaleness+time.Second)), "%s after the pull", quiet.NextPollAt.Sub(pulled))
	spread := map[time.Time]bool{}
	for _, a := range h.cfg.Accounts[3:] {
		p, err := h.store.AccountPoll(ctx, a.AdvertiserID)
		require.NoError(t, err)
		spread[p.NextPollAt.Truncate(time.Second)] = true
	}
	require.Greater(t, len(spread), 1, "the quiet accounts are not due all at once")
}

func TestBudgetIsSharedThroughTheStore(t *testing.T) {
	h := newHarness(t, sim.Options{}, 1)
	var clock atomic.Int64
	clock.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	b1 := fetch.Budget{Store: h.store, PerMinute: 5, Now: now}
	b2 := fetch.Budget{Store: h.store, PerMinute: 5, Now: now}
	// The clock is fake and stands still while a Wait waits, so a call the
	// budget holds back never returns on its own: the first five get a
	// deadline long enough for a store round trip under -race on a loaded
	// machine (they shared 200 ms once, which load used up), the sixth one
	// short enough to see it held back.
	for i := 0; i < 5; i++ { // one a second: within the spread of the minute
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		require.NoError(t, []fetch.Budget{b1, b2}[i%2].Wait(ctx), "call %d of the minute", i+1)
		cancel()
		clock.Add(int64(1100 * time.Millisecond))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	require.ErrorIs(t, b2.Wait(ctx), context.DeadlineExceeded, "the sixth call of the minute waits, whichever instance makes it")
}

func TestSyncDueHandsBackAfterOnePollInterval(t *testing.T) {
	// 12 accounts pulled one at a time, each pull taking 50ms: a cycle of
	// 600ms against a poll interval of 200ms. SyncDue returns early so its
	// caller can route what it found, and the next calls go on with the rest.
	h := newHarness(t, sim.Options{Seed: 4}, 12)
	h.cfg.Concurrency = 1
	h.cfg.PollInterval = 200 * time.Millisecond
	h.cfg.MaxStaleness = time.Hour
	h.sim.OnList(func(sim.ListRequest, int) { time.Sleep(50 * time.Millisecond) })
	s := h.newSyncer()
	ctx := context.Background()
	seen := map[int64]int{}
	var calls []int
	for len(seen) < 12 && len(calls) < 20 {
		res, err := s.SyncDue(ctx, h.store, "a")
		require.NoError(t, err)
		calls = append(calls, len(res))
		for _, r := range res {
			seen[r.Account.AdvertiserID]++
		}
	}
	require.Len(t, seen, 12)
	for id, n := range seen {
		require.Equal(t, 1, n, "account %d pulled once", id)
	}
	require.Greater(t, len(calls), 1, "the cycle was handed back in parts: %v", calls)
	require.Less(t, calls[0], 12)
}

func TestValidateRefusesABudgetBelowTheStalenessFloor(t *testing.T) {
	h := newHarness(t, sim.Options{}, 30)
	h.cfg.MaxStaleness, h.cfg.HotWindow = 5*time.Minute, 10*time.Minute
	h.cfg.CallsPerMinute = 6 // 30 accounts every 5 minutes take 6 a minute
	require.NoError(t, h.cfg.Validate())
	h.cfg.CallsPerMinute = 5
	err := h.cfg.Validate()
	require.ErrorContains(t, err, "kuaishou.calls_per_minute: 30 accounts polled at least every 5m0s take 6 calls a minute, more than 5")
	h.cfg.CallsPerMinute = 0 // no budget: nothing to check
	require.NoError(t, h.cfg.Validate())
	h.cfg.HotWindow = -time.Second
	require.ErrorContains(t, h.cfg.Validate(), "kuaishou.hot_window")
}

func TestBudgetSpreadsTheMinute(t *testing.T) {
	h := newHarness(t, sim.Options{}, 1)
	var clock atomic.Int64
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock.Store(t0.UnixNano())
	b := fetch.Budget{Store: h.store, PerMinute: 60, Now: func() time.Time { return time.Unix(0, clock.Load()) }}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	require.NoError(t, b.Wait(ctx))
	require.NoError(t, b.Wait(ctx))
	require.ErrorIs(t, b.Wait(ctx), context.DeadlineExceeded, "60 a minute: no more than 2 in a second")
	clock.Store(t0.Add(1100 * time.Millisecond).UnixNano())
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	require.NoError(t, b.Wait(ctx), "the next second has room")
}
