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

func TestNextPollBacksOffQuietAccounts(t *testing.T) {
	cfg := fetch.Config{PollInterval: time.Minute, MaxStaleness: 5 * time.Minute}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name          string
		found, failed bool
		quiet         int
		wantWait      time.Duration
		wantQuiet     int
	}{
		{"new clues: soon", true, false, 3, time.Minute, 0},
		{"failed: soon", false, true, 3, time.Minute, 0},
		{"first quiet pull doubles", false, false, 0, 2 * time.Minute, 1},
		{"second quiet pull doubles again", false, false, 1, 4 * time.Minute, 2},
		{"capped at max_staleness", false, false, 5, 5 * time.Minute, 6},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			next, quiet := cfg.NextPoll(now, tc.found, tc.failed, tc.quiet)
			require.Equal(t, tc.wantWait, next.Sub(now))
			require.Equal(t, tc.wantQuiet, quiet)
		})
	}
}

func TestSyncDueSplitsAccountsBetweenInstances(t *testing.T) {
	h := newHarness(t, sim.Options{Seed: 9}, 6)
	h.cfg.MaxStaleness = 5 * time.Minute
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

	// Right after, nothing is due; the quiet accounts wait longer than the busy ones.
	res, err := a.SyncDue(ctx, h.store, "a")
	require.NoError(t, err)
	require.Empty(t, res)
	busy, err := h.store.AccountPoll(ctx, h.cfg.Accounts[0].AdvertiserID)
	require.NoError(t, err)
	quiet, err := h.store.AccountPoll(ctx, h.cfg.Accounts[5].AdvertiserID)
	require.NoError(t, err)
	require.Equal(t, 0, busy.QuietPolls)
	require.Equal(t, 1, quiet.QuietPolls)
	require.True(t, quiet.NextPollAt.After(busy.NextPollAt))
}

func TestBudgetIsSharedThroughTheStore(t *testing.T) {
	h := newHarness(t, sim.Options{}, 1)
	var clock atomic.Int64
	clock.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	b1 := fetch.Budget{Store: h.store, PerMinute: 5, Now: now}
	b2 := fetch.Budget{Store: h.store, PerMinute: 5, Now: now}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	for i := 0; i < 5; i++ {
		require.NoError(t, []fetch.Budget{b1, b2}[i%2].Wait(ctx))
	}
	require.ErrorIs(t, b2.Wait(ctx), context.DeadlineExceeded, "the sixth call of the minute waits, whichever instance makes it")
}
