package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// routeClue stores a sample clue with the given id and routes it at at.
func routeClue(t *testing.T, s store.Store, id string, at time.Time, results ...store.RouteResult) {
	t.Helper()
	upsert(t, s, store.UpsertStats{Inserted: 1}, sampleClue(id, 1, created))
	saved, err := s.SaveRouting(t.Context(), store.Routing{ClueID: id, Results: results, RoutedAt: at})
	require.NoError(t, err)
	require.True(t, saved)
}

// outboxOf returns a clue's outbox rows with every time in UTC.
func outboxOf(t *testing.T, s store.Store, clueID string) []store.OutboxItem {
	t.Helper()
	items, err := s.OutboxItems(t.Context(), clueID)
	require.NoError(t, err)
	return normalizeItems(items)
}

func testSaveRoutingOnce(t *testing.T, s store.Store, clk *clock) {
	id := clueID(1)
	at := clk.Advance(time.Minute)
	routeClue(t, s, id, at,
		store.RouteResult{Route: "henan-hot", Assignee: "张三", Receivers: []string{"henan-sales", "managers", "henan-sales"}},
		store.RouteResult{Route: "everything-else", Receivers: []string{"managers"}})
	items := outboxOf(t, s, id)
	want := []store.OutboxItem{
		{Route: "henan-hot", Receiver: "henan-sales", Assignee: "张三"},
		{Route: "henan-hot", Receiver: "managers", Assignee: "张三"},
		{Route: "everything-else", Receiver: "managers"},
	}
	require.Len(t, items, len(want), "a receiver listed twice for a route gets one row")
	for i, w := range want {
		w.ID, w.ClueID, w.State, w.NextAt, w.CreatedAt = items[i].ID, id, store.OutboxPending, at.UTC(), at.UTC()
		w.Kind = store.KindAlert
		require.Equal(t, w, items[i])
		if i > 0 {
			require.Greater(t, items[i].ID, items[i-1].ID, "rows are listed by id")
		}
	}

	again := clk.Advance(time.Minute)
	saved, err := s.SaveRouting(t.Context(), store.Routing{ClueID: id, RoutedAt: again,
		Results: []store.RouteResult{{Route: "other", Assignee: "李四", Receivers: []string{"other-sales"}}}})
	require.NoError(t, err)
	require.False(t, saved, "a routed clue is not routed again")
	require.Equal(t, items, outboxOf(t, s, id), "and nothing more is enqueued")
	c, err := s.Clue(t.Context(), id)
	require.NoError(t, err)
	require.Equal(t, at.UTC(), c.RoutedAt.UTC())
	require.Equal(t, []string{"henan-hot", "everything-else"}, c.Routes)
	require.Equal(t, []string{"张三", ""}, c.Assignees)
	require.Equal(t, 3, c.Pending)

	unrouted, err := s.UnroutedClues(t.Context(), 10)
	require.NoError(t, err)
	require.Empty(t, unrouted)
}

func testSaveRoutingRejects(t *testing.T, s store.Store, clk *clock) {
	upsert(t, s, store.UpsertStats{Inserted: 1}, sampleClue(clueID(1), 1, created))
	at := clk.Now()
	tests := []struct {
		name     string
		r        store.Routing
		notFound bool
	}{
		{"unknown clue", store.Routing{ClueID: clueID(2), RoutedAt: at,
			Results: []store.RouteResult{{Route: "r", Receivers: []string{"a"}}}}, true},
		{"zero routed at", store.Routing{ClueID: clueID(1),
			Results: []store.RouteResult{{Route: "r", Receivers: []string{"a"}}}}, false},
		{"empty route name", store.Routing{ClueID: clueID(1), RoutedAt: at,
			Results: []store.RouteResult{{Receivers: []string{"a"}}}}, false},
		{"empty receiver name", store.Routing{ClueID: clueID(1), RoutedAt: at,
			Results: []store.RouteResult{{Route: "r", Receivers: []string{""}}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			saved, err := s.SaveRouting(t.Context(), tt.r)
			require.Error(t, err)
			require.False(t, saved)
			if tt.notFound {
				require.ErrorIs(t, err, store.ErrNotFound)
			}
			require.Empty(t, outboxOf(t, s, tt.r.ClueID))
		})
	}
	c, err := s.Clue(t.Context(), clueID(1))
	require.NoError(t, err)
	require.True(t, c.RoutedAt.IsZero(), "a rejected routing leaves the clue unrouted")
	unrouted, err := s.UnroutedClues(t.Context(), 10)
	require.NoError(t, err)
	require.Len(t, unrouted, 1)
}

func testUnroutedFlagged(t *testing.T, s store.Store, clk *clock) {
	upsert(t, s, store.UpsertStats{Inserted: 1}, sampleClue(clueID(2), 1, created))
	c, err := s.Clue(t.Context(), clueID(2))
	require.NoError(t, err)
	require.False(t, c.Unrouted(), "a clue not routed yet is not unrouted")
	require.True(t, c.RoutedAt.IsZero())

	at := clk.Advance(time.Minute)
	routeClue(t, s, clueID(1), at)
	c, err = s.Clue(t.Context(), clueID(1))
	require.NoError(t, err)
	require.True(t, c.Unrouted(), "no route took the clue")
	require.Equal(t, at.UTC(), c.RoutedAt.UTC())
	require.Empty(t, c.Routes)
	require.Empty(t, c.Assignees)
	require.Zero(t, c.Sent+c.Pending+c.Dead)
	require.Empty(t, outboxOf(t, s, clueID(1)))

	saved, err := s.SaveRouting(t.Context(), store.Routing{ClueID: clueID(1), RoutedAt: clk.Advance(time.Minute),
		Results: []store.RouteResult{{Route: "late", Receivers: []string{"a"}}}})
	require.NoError(t, err)
	require.False(t, saved, "an unrouted clue is not routed again")
	require.Empty(t, outboxOf(t, s, clueID(1)))
	unrouted, err := s.UnroutedClues(t.Context(), 10)
	require.NoError(t, err)
	require.Len(t, unrouted, 1)
	require.Equal(t, clueID(2), unrouted[0].ID)
}

func testUnroutedClues(t *testing.T, s store.Store, clk *clock) {
	// First seen in the order c3, then c1 and c2 together (by id), then c0.
	upsert(t, s, store.UpsertStats{Inserted: 1}, sampleClue(clueID(3), 1, created))
	clk.Advance(time.Second)
	upsert(t, s, store.UpsertStats{Inserted: 2}, sampleClue(clueID(2), 1, created), sampleClue(clueID(1), 2, created))
	clk.Advance(time.Second)
	upsert(t, s, store.UpsertStats{Inserted: 1}, sampleClue(clueID(0), 1, created.Add(-time.Hour)))

	unroutedIDs := func(limit int) []string {
		clues, err := s.UnroutedClues(t.Context(), limit)
		require.NoError(t, err)
		ids := []string{}
		for _, c := range clues {
			stored, err := s.Clue(t.Context(), c.ID)
			require.NoError(t, err)
			require.Equal(t, normalize(stored), normalize(c), "whole clues")
			ids = append(ids, c.ID)
		}
		return ids
	}
	tests := []struct {
		name  string
		limit int
		want  []string
	}{
		{"all", 10, []string{clueID(3), clueID(1), clueID(2), clueID(0)}},
		{"limited", 2, []string{clueID(3), clueID(1)}},
		{"zero limit", 0, []string{}},
		{"negative limit", -1, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, unroutedIDs(tt.limit))
		})
	}

	saved, err := s.SaveRouting(t.Context(), store.Routing{ClueID: clueID(1), RoutedAt: clk.Now()})
	require.NoError(t, err)
	require.True(t, saved)
	require.Equal(t, []string{clueID(3), clueID(2), clueID(0)}, unroutedIDs(10), "routed clues drop out")
}

func testRoutingReadBack(t *testing.T, s store.Store, clk *clock) {
	at := clk.Advance(time.Minute)
	tests := []struct {
		name     string
		results  []store.RouteResult
		route    bool // save the routing of results at all
		sent     int  // how many of the clue's rows to mark sent
		dead     int  // and how many of the rows after those to mark dead
		want     store.Clue
		unrouted bool
	}{
		{"not routed", nil, false, 0, 0, store.Clue{}, false},
		{"no route took it", nil, true, 0, 0, store.Clue{RoutedAt: at}, true},
		{"one route", []store.RouteResult{{Route: "henan-hot", Assignee: "张三", Receivers: []string{"a"}}}, true, 1, 0,
			store.Clue{RoutedAt: at, Routes: []string{"henan-hot"}, Assignees: []string{"张三"}, Sent: 1}, false},
		{"routes in rule order", []store.RouteResult{
			{Route: "z-last-by-name", Receivers: []string{"a", "b", "c"}},
			{Route: "a-first-by-name", Assignee: "李四", Receivers: []string{"a"}},
			{Route: "no-receivers"},
		}, true, 1, 2, store.Clue{RoutedAt: at, Routes: []string{"z-last-by-name", "a-first-by-name", "no-receivers"},
			Assignees: []string{"", "李四", ""}, Sent: 1, Pending: 1, Dead: 2}, false},
	}
	wantByID := map[string]store.Clue{}
	for i, tt := range tests {
		c := sampleClue(clueID(i), 1, created.Add(time.Duration(i)*time.Minute))
		upsert(t, s, store.UpsertStats{Inserted: 1}, c)
		if tt.route {
			saved, err := s.SaveRouting(t.Context(), store.Routing{ClueID: c.ID, Results: tt.results, RoutedAt: at})
			require.NoError(t, err)
			require.True(t, saved)
		}
		ids := itemIDs(outboxOf(t, s, c.ID))
		require.NoError(t, s.MarkSent(t.Context(), ids[:tt.sent], at))
		require.NoError(t, s.MarkDead(t.Context(), ids[tt.sent:tt.sent+tt.dead], "gone"))
		want := tt.want
		want.ID = c.ID
		wantByID[c.ID] = want
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Clue(t.Context(), clueID(i))
			require.NoError(t, err)
			require.Equal(t, routingOf(wantByID[got.ID]), routingOf(got))
			require.Equal(t, tt.unrouted, got.Unrouted())
		})
	}
	t.Run("iterate", func(t *testing.T) {
		n := 0
		require.NoError(t, s.IterateClues(t.Context(), store.ClueFilter{}, func(c *store.Clue) error {
			require.Equal(t, routingOf(wantByID[c.ID]), routingOf(*c), c.ID)
			n++
			return nil
		}))
		require.Equal(t, len(tests), n)
	})
}
