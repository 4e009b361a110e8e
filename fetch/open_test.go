package fetch_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/store"
)

func TestOpenWindows(t *testing.T) {
	t0 := time.Date(2026, 10, 12, 18, 0, 0, 0, time.UTC)
	at := func(mins ...float64) []time.Time {
		var out []time.Time
		for _, m := range mins {
			out = append(out, t0.Add(time.Duration(m*float64(time.Minute))))
		}
		return out
	}
	w := func(from, to float64) fetch.Window {
		return fetch.Window{Start: t0.Add(time.Duration(from * float64(time.Minute))),
			End: t0.Add(time.Duration(to*float64(time.Minute)) + time.Second)}
	}
	tests := []struct {
		name     string
		open     []time.Time
		stored   []time.Time
		pageSize int
		maxLen   time.Duration
		want     []fetch.Window
	}{
		{"one lead", at(0), at(0), 200, 24 * time.Hour, []fetch.Window{w(0, 0)}},
		{"a quiet evening in one call", at(0, 30, 120, 300), at(0, 10, 30, 60, 120, 300), 200, 24 * time.Hour,
			[]fetch.Window{w(0, 300)}},
		{"a busy account: a page apart, one call each", at(0, 10, 11), at(0, 1, 2, 3, 10, 11), 3, 24 * time.Hour,
			[]fetch.Window{w(0, 0), w(10, 11)}},
		{"no longer than the window", at(0, 30, 90), at(0, 30, 90), 200, time.Hour,
			[]fetch.Window{w(0, 30), w(90, 90)}},
		{"several leads in one second", at(0, 0, 0), at(0, 0, 0), 1, time.Hour, []fetch.Window{w(0, 0)}},
		{"stored times capped: open leads past them read alone", at(0, 1, 2), at(0, 1), 200, time.Hour,
			[]fetch.Window{w(0, 2)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, fetch.OpenWindows(tc.open, tc.stored, tc.pageSize, tc.maxLen))
		})
	}
}

// fakeClock is a clock tests move by hand, safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestOpenFollowupsOlderThanLookbackReRead: a lead with an open follow-up
// created hours before the lookback window is re-read by every pull of its
// account, so a call at the vendor is seen at the next poll, for one call
// more (the evening's two open leads share it); the same pull without it
// would never see the call. The re-read happens before the account counts
// as read, so a reminder waiting for a fresh read gets one.
func TestOpenFollowupsOlderThanLookbackReRead(t *testing.T) {
	clk := &fakeClock{t: time.Now().Truncate(time.Second)}
	h := newHarness(t, sim.Options{Seed: 9, Now: clk.Now}, 1)
	ctx := context.Background()
	adv := h.cfg.Accounts[0].AdvertiserID
	gen := sim.New(sim.Options{Seed: 10})
	var old []string
	for i, ago := range []time.Duration{5 * time.Hour, 4 * time.Hour, 4*time.Hour - time.Minute, 30 * time.Minute} {
		created := clk.Now().Add(-ago)
		id := gen.Generate(adv, 1, created, created.Add(time.Second))[0]
		rec, _ := gen.Get(id)
		rec["phone_stat"], rec["intention_id"] = 0, 0
		rec["schedule"] = map[string]any{"schedule_id": 0, "schedule_desc": "新线索"}
		h.sim.Add(adv, rec)
		if i == 1 || i == 2 {
			old = append(old, id)
		}
	}
	logger := slog.New(slog.DiscardHandler)
	client := fetch.NewClient(h.cfg, nil, logger)
	s := fetch.NewSyncer(h.cfg, client, fetch.NewTokens(client, h.store, h.cfg, logger, clk.Now), h.store, logger, clk.Now)
	var changed []string
	s.Changed = func(ids []string) { changed = append(changed, ids...) }
	require.NoError(t, s.SyncAccount(ctx, h.cfg.Accounts[0]).Err) // the first pull stores all four
	for _, id := range old {
		_, err := h.store.SaveRouting(ctx, store.Routing{ClueID: id, RoutedAt: clk.Now(),
			Results: []store.RouteResult{{Route: "evening", Receivers: []string{"sales"}}}})
		require.NoError(t, err)
		items, err := h.store.OutboxItems(ctx, id)
		require.NoError(t, err)
		require.NoError(t, h.store.MarkSent(ctx, []int64{items[0].ID}, clk.Now()))
		require.NoError(t, h.store.ScheduleFollowup(ctx, id, "evening", clk.Now().Add(15*time.Hour), time.Time{}, time.Time{}))
	}

	pull := func(s *fetch.Syncer) int {
		t.Helper()
		clk.Add(time.Minute)
		before := h.sim.Stats().ListCalls
		require.NoError(t, s.SyncAccount(ctx, h.cfg.Accounts[0]).Err)
		return h.sim.Stats().ListCalls - before
	}
	phoneStat := func(id string) int64 {
		c, err := h.store.Clue(ctx, id)
		require.NoError(t, err)
		return c.PhoneStat
	}

	require.True(t, h.sim.Work(old[0]))
	require.Equal(t, 1, pull(s), "without the store's open leads: the lookback window only")
	require.Zero(t, phoneStat(old[0]), "a lead older than the lookback is not re-read")
	require.Empty(t, changed)

	s.Open = h.store
	require.Equal(t, 2, pull(s), "the lookback window and one window for both open leads")
	require.Equal(t, int64(101), phoneStat(old[0]), "the call is seen at the next poll")
	require.Contains(t, changed, old[0])
	require.Equal(t, 2, pull(s), "every poll while they are open")
	st, err := h.store.SyncState(ctx, adv)
	require.NoError(t, err)
	require.Equal(t, clk.Now(), st.LastSuccessAt.In(clk.Now().Location()))

	_, err = h.store.FinishFollowups(ctx, old[0], clk.Now())
	require.NoError(t, err)
	_, err = h.store.FinishFollowups(ctx, old[1], clk.Now())
	require.NoError(t, err)
	require.Equal(t, 1, pull(s), "nothing open: nothing more to read")
}
