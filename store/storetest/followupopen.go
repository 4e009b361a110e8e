package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// testFollowupOpenLeads pins down what pulls read of the open timers: which
// of some clues have one, the create times of an account's open leads
// before a time, and the stored create times of a range.
func testFollowupOpenLeads(t *testing.T, s store.Store, clk *clock) {
	ctx := t.Context()
	now := clk.Now().UTC().Truncate(time.Second)
	day := now.Add(-24 * time.Hour)
	open := func(n int, adv int64, created time.Time, schedule bool) string {
		t.Helper()
		id := clueID(n)
		upsert(t, s, store.UpsertStats{Inserted: 1}, sampleClue(id, adv, created))
		_, err := s.SaveRouting(ctx, store.Routing{ClueID: id, RoutedAt: now,
			Results: []store.RouteResult{{Route: "hot", Receivers: []string{"sales"}}}})
		require.NoError(t, err)
		require.NoError(t, s.MarkSent(ctx, itemIDs(outboxOf(t, s, id)), now))
		if schedule {
			require.NoError(t, s.ScheduleFollowup(ctx, id, "hot", now.Add(time.Hour), time.Time{}, time.Time{}))
		}
		return id
	}
	a := open(1, 1, day, true)
	open(2, 1, day.Add(time.Hour), true)
	c := open(3, 1, day.Add(time.Hour), true) // the same second as clue 2
	d := open(4, 1, day.Add(2*time.Hour), true)
	e := open(5, 1, day.Add(3*time.Hour), false) // started, not scheduled
	f := open(6, 2, day, true)                   // another account
	upsert(t, s, store.UpsertStats{Inserted: 1}, sampleClue(clueID(7), 1, day.Add(90*time.Minute)))
	_, err := s.FinishFollowups(ctx, d, now)
	require.NoError(t, err)

	ids, err := s.OpenFollowupClues(ctx, []string{d, e, f, c, a, clueID(7), "404"})
	require.NoError(t, err)
	require.Equal(t, []string{a, c, f}, ids, "open: scheduled, not done, something left to fire")
	ids, err = s.OpenFollowupClues(ctx, nil)
	require.NoError(t, err)
	require.Empty(t, ids)

	times, err := s.OpenFollowupTimes(ctx, 1, now)
	require.NoError(t, err)
	require.Equal(t, []time.Time{day, day.Add(time.Hour)}, utcTimes(times), "each time once, ascending")
	times, err = s.OpenFollowupTimes(ctx, 1, day.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, []time.Time{day}, utcTimes(times), "only those created before")
	times, err = s.OpenFollowupTimes(ctx, 3, now)
	require.NoError(t, err)
	require.Empty(t, times)

	times, err = s.StoredClueTimes(ctx, 1, day, day.Add(2*time.Hour), 10)
	require.NoError(t, err)
	require.Equal(t, []time.Time{day, day.Add(time.Hour), day.Add(time.Hour), day.Add(90 * time.Minute)}, utcTimes(times),
		"every stored clue of the account in [from, to), ascending")
	times, err = s.StoredClueTimes(ctx, 1, day, now, 2)
	require.NoError(t, err)
	require.Equal(t, []time.Time{day, day.Add(time.Hour)}, utcTimes(times), "at most limit")
}

func utcTimes(ts []time.Time) []time.Time {
	for i := range ts {
		ts[i] = ts[i].UTC()
	}
	return ts
}

// testFollowupOverdueFor: a lead not followed up counts as overdue from
// its first due time until OverdueFor after its alert, and stays open.
func testFollowupOverdueFor(t *testing.T, s store.Store, clk *clock) {
	ctx := t.Context()
	sent := clk.Now().UTC()
	sendAlert(t, s, clueID(1), "hot", "张三", sent, "sales")
	require.NoError(t, s.ScheduleFollowup(ctx, clueID(1), "hot", sent.Add(15*time.Minute), sent.Add(30*time.Minute), time.Time{}))
	stats := func(at time.Time) store.FollowupStats {
		t.Helper()
		st, err := s.FollowupStats(ctx, at)
		require.NoError(t, err)
		return st
	}
	require.Equal(t, store.FollowupStats{Open: 1}, stats(sent.Add(14*time.Minute)))
	require.Equal(t, store.FollowupStats{Open: 1, Overdue: 1}, stats(sent.Add(15*time.Minute)))
	require.Equal(t, store.FollowupStats{Open: 1, Overdue: 1}, stats(sent.Add(store.OverdueFor-time.Second)))
	require.Equal(t, store.FollowupStats{Open: 1}, stats(sent.Add(store.OverdueFor)), "a week on, no longer overdue")
	require.Equal(t, store.FollowupStats{Open: 1}, stats(sent.Add(90*24*time.Hour)), "nor months on")

	// A lead on two routes that both ask for a follow-up counts once a
	// route: a distinct count of leads made the gauge's scrape 70 times
	// slower at 100,000 open timers.
	routeClue(t, s, clueID(2), sent, store.RouteResult{Route: "hot", Assignee: "张三", Receivers: []string{"sales"}},
		store.RouteResult{Route: "vip", Assignee: "李四", Receivers: []string{"vip"}})
	require.NoError(t, s.MarkSent(ctx, itemIDs(outboxOf(t, s, clueID(2))), sent))
	for _, r := range []string{"hot", "vip"} {
		require.NoError(t, s.ScheduleFollowup(ctx, clueID(2), r, sent.Add(15*time.Minute), time.Time{}, time.Time{}))
	}
	require.Equal(t, store.FollowupStats{Open: 3, Overdue: 3}, stats(sent.Add(20*time.Minute)))
}

// testChangedOpenFollowups: the open timers whose lead changed after its
// alert went out, by id, paged; unchanged, finished and unscheduled ones
// are not among them.
func testChangedOpenFollowups(t *testing.T, s store.Store, clk *clock) {
	ctx := t.Context()
	sent := clk.Now().UTC()
	for n := 1; n <= 5; n++ {
		sendAlert(t, s, clueID(n), "hot", "张三", sent, "sales")
		if n != 5 {
			require.NoError(t, s.ScheduleFollowup(ctx, clueID(n), "hot", sent.Add(time.Hour), time.Time{}, time.Time{}))
		}
	}
	clk.Advance(time.Minute)
	for _, n := range []int{1, 3, 4, 5} {
		c := sampleClue(clueID(n), 1, created)
		c.PhoneStat = 101
		upsert(t, s, store.UpsertStats{Updated: 1}, c)
	}
	_, err := s.FinishFollowups(ctx, clueID(4), clk.Now())
	require.NoError(t, err)
	ids, err := s.ChangedOpenFollowups(ctx, "", 10)
	require.NoError(t, err)
	require.Equal(t, []string{clueID(1), clueID(3)}, ids, "2 unchanged, 4 finished, 5 not scheduled")
	ids, err = s.ChangedOpenFollowups(ctx, "", 1)
	require.NoError(t, err)
	require.Equal(t, []string{clueID(1)}, ids)
	ids, err = s.ChangedOpenFollowups(ctx, clueID(1), 1)
	require.NoError(t, err)
	require.Equal(t, []string{clueID(3)}, ids)
	ids, err = s.ChangedOpenFollowups(ctx, clueID(3), 1)
	require.NoError(t, err)
	require.Empty(t, ids)
}
