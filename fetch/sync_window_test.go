package fetch_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/fetch"
	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/store"
)

// failingLister fails every call after the first `okCalls`.
type failingLister struct {
	next    fetch.Lister
	okCalls int64
	calls   atomic.Int64
}

func (f *failingLister) ListClues(ctx context.Context, ts fetch.TokenSource, req fetch.ListRequest) (*fetch.ListPage, error) {
	if f.calls.Add(1) > f.okCalls {
		return nil, errors.New("injected permanent failure")
	}
	return f.next.ListClues(ctx, ts, req)
}

func TestSyncPointOnlyMovesPastStoredWindows(t *testing.T) {
	h := newHarness(t, sim.Options{Seed: 3}, 1)
	a := h.cfg.Accounts[0]
	h.cfg.Backfill = 72 * time.Hour // three 24h windows on the first run
	now := time.Now()
	h.sim.Generate(a.AdvertiserID, 300, now.Add(-71*time.Hour), now.Add(-time.Minute))

	client := fetch.NewClient(h.cfg, nil, nil)
	tokens := fetch.NewTokens(client, h.store, h.cfg, nil, time.Now)
	// Enough calls for the first window (≤ 100 clues, 50 a page) but not the rest.
	fl := &failingLister{next: client, okCalls: 3}
	s := fetch.NewSyncer(h.cfg, fl, tokens, h.store, nil, time.Now)
	res := s.SyncAccount(context.Background(), a)
	require.Error(t, res.Err)
	st, err := h.store.SyncState(context.Background(), a.AdvertiserID)
	require.NoError(t, err)
	require.Equal(t, 1, res.Windows)
	require.WithinDuration(t, now.Add(-48*time.Hour), st.SyncedTo, 2*time.Second, "only the stored window counts")
	require.Contains(t, st.LastError, "injected permanent failure")

	res = h.syncer.SyncAccount(context.Background(), a)
	require.NoError(t, res.Err)
	st, err = h.store.SyncState(context.Background(), a.AdvertiserID)
	require.NoError(t, err)
	require.WithinDuration(t, now, st.SyncedTo, 2*time.Second)
	require.Empty(t, st.LastError)
	require.Equal(t, h.simIDs(), h.storedIDs(t))
}

func TestBackfillSplitsAndKeepsSyncPoint(t *testing.T) {
	h := newHarness(t, sim.Options{Seed: 4}, 2)
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, clue.VendorZone)
	to := from.Add(5 * 24 * time.Hour)
	for _, a := range h.cfg.Accounts {
		h.sim.Generate(a.AdvertiserID, 250, from, to)
		h.sim.Generate(a.AdvertiserID, 20, to.Add(time.Hour), to.Add(2*time.Hour)) // outside the range
	}
	results, err := h.syncer.BackfillAll(context.Background(), from, to)
	require.NoError(t, err)
	for _, r := range results {
		require.Equal(t, 5, r.Windows)
		require.Equal(t, 250, r.Stats.Inserted)
		_, err := h.store.SyncState(context.Background(), r.Account.AdvertiserID)
		require.ErrorIs(t, err, store.ErrNotFound, "a backfill leaves the sync point alone")
	}
	n, err := h.store.CountClues(context.Background(), store.ClueFilter{From: from, To: to})
	require.NoError(t, err)
	require.Equal(t, 500, n)
}

func TestSyncHalvesCrowdedWindows(t *testing.T) {
	h := newHarness(t, sim.Options{Seed: 5}, 1)
	a := h.cfg.Accounts[0]
	now := time.Now()
	h.sim.Generate(a.AdvertiserID, 400, now.Add(-23*time.Hour), now.Add(-time.Minute))
	h.syncer.SetMaxWindowRows(120)
	res := h.syncer.SyncAccount(context.Background(), a)
	require.NoError(t, res.Err)
	require.Equal(t, 400, res.Stats.Inserted)
	require.Equal(t, h.simIDs(), h.storedIDs(t))
}

func TestSyncDriftWhilePaging(t *testing.T) {
	for _, oldestFirst := range []bool{false, true} {
		name := map[bool]string{false: "newest first", true: "oldest first"}[oldestFirst]
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, sim.Options{Seed: 6, OldestFirst: oldestFirst}, 1)
			a := h.cfg.Accounts[0]
			now := time.Now()
			h.sim.Generate(a.AdvertiserID, 333, now.Add(-10*time.Hour), now.Add(-time.Minute))
			var calls atomic.Int64
			h.sim.OnList(func(req sim.ListRequest, page int) {
				if calls.Add(1) <= 12 { // a clue arrives before each of the first 12 pages
					h.sim.Generate(req.AdvertiserID, 1, time.Now().Add(-20*time.Second), time.Now().Add(-10*time.Second))
				}
			})
			res := h.syncer.SyncAccount(context.Background(), a)
			require.NoError(t, res.Err)
			require.Equal(t, h.simIDs(), h.storedIDs(t), "nothing lost while the listing shifted")
		})
	}
}

func TestSyncTracksUpdates(t *testing.T) {
	h := newHarness(t, sim.Options{Seed: 8}, 1)
	a := h.cfg.Accounts[0]
	now := time.Now()
	ids := h.sim.Generate(a.AdvertiserID, 30, now.Add(-30*time.Minute), now.Add(-time.Minute))
	require.NoError(t, h.syncer.SyncAccount(context.Background(), a).Err)
	h.sim.Update(ids[3], func(c map[string]any) {
		c["intention_id"] = 13
		c["update_time"] = time.Now().In(clue.VendorZone).Format(clue.TimeLayout)
	})
	res := h.syncer.SyncAccount(context.Background(), a)
	require.NoError(t, res.Err)
	require.Equal(t, 1, res.Stats.Updated)
	require.Equal(t, 0, res.Stats.Inserted)
	c, err := h.store.Clue(context.Background(), ids[3])
	require.NoError(t, err)
	require.Equal(t, int64(13), c.IntentionID)
	hist, err := h.store.ClueHistory(context.Background(), ids[3])
	require.NoError(t, err)
	require.Len(t, hist, 1)
	require.NotEqual(t, int64(13), hist[0].IntentionID)
}

// cancelingLister stops the pull the way a shutdown does: the context ends
// during its call, which then fails with the context's error.
type cancelingLister struct {
	next   fetch.Lister
	cancel context.CancelFunc
}

func (c *cancelingLister) ListClues(ctx context.Context, ts fetch.TokenSource, req fetch.ListRequest) (*fetch.ListPage, error) {
	c.cancel()
	<-ctx.Done()
	return nil, ctx.Err()
}

func TestShutdownMidPullKeepsTheAccountsLastOutcome(t *testing.T) {
	h := newHarness(t, sim.Options{Seed: 5}, 1)
	a := h.cfg.Accounts[0]
	now := time.Now()
	h.sim.Generate(a.AdvertiserID, 20, now.Add(-2*time.Hour), now.Add(-time.Minute))
	require.NoError(t, h.syncer.SyncAccount(context.Background(), a).Err)
	before, err := h.store.SyncState(context.Background(), a.AdvertiserID)
	require.NoError(t, err)
	require.Empty(t, before.LastError)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client := fetch.NewClient(h.cfg, nil, nil)
	tokens := fetch.NewTokens(client, h.store, h.cfg, nil, time.Now)
	s := fetch.NewSyncer(h.cfg, &cancelingLister{next: client, cancel: cancel}, tokens, h.store, nil, time.Now)
	res := s.SyncAccount(ctx, a)
	require.ErrorIs(t, res.Err, context.Canceled, "the caller still learns the pull stopped")

	after, err := h.store.SyncState(context.Background(), a.AdvertiserID)
	require.NoError(t, err)
	require.Empty(t, after.LastError, "a stop is not the account's failure")
	require.Equal(t, before.LastSuccessAt.UnixMilli(), after.LastSuccessAt.UnixMilli())
	require.Equal(t, before.LastRunAt.UnixMilli(), after.LastRunAt.UnixMilli())
	require.False(t, after.SyncedTo.Before(before.SyncedTo), "the sync point never moves back")
}
