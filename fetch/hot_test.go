package fetch_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/store"
)

// TestOpenFollowupsKeepAnAccountHot: an account whose pull finds nothing
// is still polled every poll_interval while it has leads waiting for a
// follow-up (from the store's timers); one without backs off.
func TestOpenFollowupsKeepAnAccountHot(t *testing.T) {
	h := newHarness(t, sim.Options{Seed: 5}, 2)
	h.cfg.MaxStaleness = 5 * time.Minute
	h.cfg.HotWindow = h.cfg.PollInterval
	ctx := context.Background()
	waiting, idle := h.cfg.Accounts[0].AdvertiserID, h.cfg.Accounts[1].AdvertiserID
	now := time.Now()
	_, err := h.store.UpsertClues(ctx, []store.Clue{{ID: "1", AdvertiserID: waiting, CreateTime: now, UpdateTime: now, Raw: []byte(`{}`)}})
	require.NoError(t, err)
	_, err = h.store.SaveRouting(ctx, store.Routing{ClueID: "1", RoutedAt: now,
		Results: []store.RouteResult{{Route: "hot", Receivers: []string{"sales"}}}})
	require.NoError(t, err)
	items, err := h.store.OutboxItems(ctx, "1")
	require.NoError(t, err)
	require.NoError(t, h.store.MarkSent(ctx, []int64{items[0].ID}, now))
	require.NoError(t, h.store.ScheduleFollowup(ctx, "1", "hot", now.Add(15*time.Minute), time.Time{}, time.Time{}))

	s := h.newSyncer()
	s.Hot = h.store.HasOpenFollowups
	res, err := s.SyncDue(ctx, h.store, "a")
	require.NoError(t, err)
	require.Len(t, res, 2)
	hot, err := h.store.AccountPoll(ctx, waiting)
	require.NoError(t, err)
	cold, err := h.store.AccountPoll(ctx, idle)
	require.NoError(t, err)
	require.Equal(t, 0, hot.QuietPolls, "polled as hot")
	require.WithinDuration(t, time.Now().Add(h.cfg.PollInterval), hot.NextPollAt, time.Second)
	require.Greater(t, cold.QuietPolls, 1, "the other account settles quiet")
}
