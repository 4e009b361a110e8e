package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// deliveries lists outbox rows for q and returns their ids.
func deliveries(t *testing.T, s store.Store, q store.DeliveryQuery) []int64 {
	t.Helper()
	items, err := s.Deliveries(t.Context(), q)
	require.NoError(t, err)
	return itemIDs(items)
}

// reversed returns ids newest (largest) first.
func reversed(ids ...int64) []int64 {
	out := make([]int64, len(ids))
	for i, id := range ids {
		out[len(ids)-1-i] = id
	}
	return out
}

func testDeliveries(t *testing.T, s store.Store, clk *clock) {
	now := clk.Now()
	a := enqueue(t, s, "henan-sales", 0, 4, now)
	b := enqueue(t, s, "managers", 4, 2, now)
	claim(t, s, "henan-sales", "w", now, 10)
	require.NoError(t, s.MarkSent(t.Context(), a[:1], now))
	require.NoError(t, s.MarkDead(t.Context(), a[1:3], "http 404"))
	claim(t, s, "managers", "w", now, 10)
	require.NoError(t, s.MarkDead(t.Context(), b[:1], "robot removed"))
	tests := []struct {
		name string
		q    store.DeliveryQuery
		want []int64
	}{
		{"all, newest first", store.DeliveryQuery{}, reversed(append(append([]int64{}, a...), b...)...)},
		{"dead", store.DeliveryQuery{State: store.OutboxDead}, reversed(a[1], a[2], b[0])},
		{"dead of a receiver", store.DeliveryQuery{State: store.OutboxDead, Receiver: "henan-sales"}, reversed(a[1], a[2])},
		{"pending", store.DeliveryQuery{State: store.OutboxPending}, reversed(a[3], b[1])},
		{"sent", store.DeliveryQuery{State: store.OutboxSent}, a[:1]},
		{"any state of a receiver", store.DeliveryQuery{Receiver: "managers"}, reversed(b...)},
		{"unknown receiver", store.DeliveryQuery{Receiver: "nobody"}, nil},
		{"a page", store.DeliveryQuery{Limit: 2, Offset: 1}, []int64{b[0], a[3]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, nilIfNone(deliveries(t, s, tt.q)))
		})
	}
	t.Run("bad state", func(t *testing.T) {
		_, err := s.Deliveries(t.Context(), store.DeliveryQuery{State: "'; DROP TABLE outbox; --"})
		require.Error(t, err)
	})
	t.Run("one delivery", func(t *testing.T) {
		got, err := s.Delivery(t.Context(), a[1])
		require.NoError(t, err)
		want := outboxOf(t, s, clueID(1))
		require.Equal(t, want, normalizeItems([]store.OutboxItem{got}))
		require.Equal(t, "http 404", got.LastError)
		_, err = s.Delivery(t.Context(), 1<<40)
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}

// nilIfNone returns nil for no ids.
func nilIfNone(ids []int64) []int64 {
	if len(ids) == 0 {
		return nil
	}
	return ids
}

func testRequeueDead(t *testing.T, s store.Store, clk *clock) {
	now := clk.Now()
	ids := enqueue(t, s, "a", 0, 2, now)
	claim(t, s, "a", "w", now, 10)
	require.NoError(t, s.MarkRetry(t.Context(), ids, now, "http 502"))
	claim(t, s, "a", "w", now, 10)
	require.NoError(t, s.MarkDead(t.Context(), ids[:1], "http 404"))
	requireStats(t, s, now, store.OutboxStats{Pending: 1, Dead: 1, OldestPending: now.UTC()})

	later := clk.Advance(time.Hour)
	require.NoError(t, s.RequeueDead(t.Context(), ids[0], later))
	require.Equal(t, delivered{store.OutboxPending, 0, later.UTC(), "http 404", time.Time{}},
		deliveredOf(outboxOf(t, s, clueID(0))[0]), "pending, due now, attempts anew")
	require.ErrorIs(t, s.RequeueDead(t.Context(), ids[0], later), store.ErrNotDead, "once")
	require.ErrorIs(t, s.RequeueDead(t.Context(), ids[1], later), store.ErrNotDead, "pending is not dead")
	require.ErrorIs(t, s.RequeueDead(t.Context(), 1<<40, later), store.ErrNotFound)
	require.Equal(t, []int64{ids[1], ids[0]}, itemIDs(claim(t, s, "a", "w2", later, 10)), "claimable again")
	clue, err := s.Clue(t.Context(), clueID(0))
	require.NoError(t, err)
	require.Equal(t, [3]int{0, 1, 0}, [3]int{clue.Sent, clue.Pending, clue.Dead}, "the clue's counts follow")

	require.NoError(t, s.MarkSent(t.Context(), ids[:1], later))
	require.ErrorIs(t, s.RequeueDead(t.Context(), ids[0], later), store.ErrNotDead, "sent is not dead")
}

func testRequeueDeadOf(t *testing.T, s store.Store, clk *clock) {
	now := clk.Now()
	a := enqueue(t, s, "henan-sales", 0, 3, now)
	b := enqueue(t, s, "managers", 3, 1, now)
	claim(t, s, "henan-sales", "w", now, 10)
	claim(t, s, "managers", "w", now, 10)
	require.NoError(t, s.MarkDead(t.Context(), append(a[:2:2], b...), "http 404"))

	later := clk.Advance(time.Hour)
	n, err := s.RequeueDeadOf(t.Context(), "henan-sales", later)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	require.Equal(t, reversed(a[:2]...), deliveries(t, s, store.DeliveryQuery{State: store.OutboxPending, Receiver: "henan-sales"})[1:])
	require.Equal(t, b, deliveries(t, s, store.DeliveryQuery{State: store.OutboxDead}), "another receiver's stay dead")
	require.Equal(t, append(a[2:], a[:2]...), itemIDs(claim(t, s, "henan-sales", "w2", later, 10)),
		"due at once, after the row due before")

	n, err = s.RequeueDeadOf(t.Context(), "henan-sales", later)
	require.NoError(t, err)
	require.Zero(t, n, "nothing dead left")
	n, err = s.RequeueDeadOf(t.Context(), "nobody", later)
	require.NoError(t, err)
	require.Zero(t, n)
}

func testForgetPhone(t *testing.T, s store.Store, clk *clock) {
	now := clk.Now()
	gone := []store.Clue{lead(1, 1, "张三丰", "13800001234", "春季报名页"), lead(2, 2, "张三", "13800001234", "秋季报名页")}
	kept := lead(3, 3, "张三丰", "13800001235", "春季报名页")
	unknown := lead(4, 4, "无电话", "", "春季报名页")
	upsert(t, s, store.UpsertStats{Inserted: 4}, gone[0], gone[1], kept, unknown)
	changed := gone[0]
	changed.IntentionID = 9
	upsert(t, s, store.UpsertStats{Updated: 1}, changed)
	for _, c := range []store.Clue{gone[0], gone[1], kept} {
		_, err := s.SaveRouting(t.Context(), store.Routing{ClueID: c.ID, RoutedAt: now,
			Results: []store.RouteResult{{Route: "r", Receivers: []string{"a"}}}})
		require.NoError(t, err)
		require.NoError(t, s.SetMark(t.Context(), store.Mark{ClueID: c.ID, Status: store.MarkContacted, By: "a", At: now}))
	}

	n, err := s.ForgetPhone(t.Context(), "13800001234")
	require.NoError(t, err)
	require.Equal(t, 2, n)
	for _, c := range gone {
		_, err := s.Clue(t.Context(), c.ID)
		require.ErrorIs(t, err, store.ErrNotFound)
		hist, err := s.ClueHistory(t.Context(), c.ID)
		require.NoError(t, err)
		require.Empty(t, hist, "history erased")
		require.Empty(t, outboxOf(t, s, c.ID), "outbox erased")
	}
	marks, err := s.Marks(t.Context(), []string{gone[0].ID, gone[1].ID, kept.ID})
	require.NoError(t, err)
	require.Len(t, marks, 1, "marks erased")
	require.Contains(t, marks, kept.ID)
	for _, q := range []string{"张三丰", "13800001234", "1234", "春季报名页"} {
		clues, _, err := s.SearchClues(t.Context(), store.LeadQuery{Q: q})
		require.NoError(t, err)
		for _, c := range clues {
			require.NotEqual(t, "13800001234", c.Phone, "search by %q finds a forgotten lead", q)
		}
	}
	requireStats(t, s, now, store.OutboxStats{Pending: 1, OldestPending: now.UTC()})
	_, err = s.Clue(t.Context(), kept.ID)
	require.NoError(t, err, "another phone stays")

	n, err = s.ForgetPhone(t.Context(), "13800001234")
	require.NoError(t, err)
	require.Zero(t, n)
	_, err = s.ForgetPhone(t.Context(), "")
	require.Error(t, err, "an empty phone would erase every lead without one")
	_, err = s.Clue(t.Context(), unknown.ID)
	require.NoError(t, err)
}

func testOverview(t *testing.T, s store.Store, clk *clock) {
	day := time.Date(2025, 3, 2, 0, 0, 0, 0, vendorZone)
	clue := func(n int, at time.Duration) store.Clue { return sampleClue(clueID(n), 1, day.Add(at)) }
	upsert(t, s, store.UpsertStats{Inserted: 8},
		clue(1, -time.Millisecond),           // the day before
		clue(2, 0),                           // hour 0, henan-hot
		clue(3, 30*time.Minute),              // hour 0, henan-hot and everything-else
		clue(4, 13*time.Hour+time.Second),    // hour 13, routed, unrouted
		clue(5, 13*time.Hour+59*time.Minute), // hour 13, not routed yet
		clue(6, 24*time.Hour-time.Millisecond),
		clue(7, 24*time.Hour), // the day after
		clue(8, 23*time.Hour))
	now := clk.Now()
	for _, r := range []store.Routing{
		{ClueID: clueID(1), Results: []store.RouteResult{{Route: "henan-hot", Receivers: []string{"a"}}}},
		{ClueID: clueID(2), Results: []store.RouteResult{{Route: "henan-hot", Receivers: []string{"a"}}}},
		{ClueID: clueID(3), Results: []store.RouteResult{{Route: "henan-hot", Receivers: []string{"a"}},
			{Route: "everything-else", Receivers: []string{"b"}}}},
		{ClueID: clueID(4)},
		{ClueID: clueID(6), Results: []store.RouteResult{{Route: "everything-else", Receivers: []string{"b"}}}},
		{ClueID: clueID(8), Results: []store.RouteResult{{Route: "shenzhen", Receivers: []string{"c"}}}},
	} {
		r.RoutedAt = now
		_, err := s.SaveRouting(t.Context(), r)
		require.NoError(t, err)
	}
	ids := itemIDs(outboxOf(t, s, clueID(8)))
	claim(t, s, "c", "w", now, 10)
	require.NoError(t, s.MarkDead(t.Context(), ids, "http 404"))

	got, err := s.Overview(t.Context(), now, day)
	require.NoError(t, err)
	hours := make([]store.HourCount, 24)
	for h := range hours {
		hours[h].Hour = h
	}
	hours[0].Count, hours[13].Count, hours[23].Count = 2, 2, 2
	got.Outbox.OldestPending = got.Outbox.OldestPending.UTC()
	require.Equal(t, store.Overview{
		Outbox:        store.OutboxStats{Pending: 5, Dead: 1, OldestPending: now.UTC()},
		TodayTotal:    6,
		TodayUnrouted: 1,
		TodayByRoute:  map[string]int{"henan-hot": 2, "everything-else": 2, "shenzhen": 1},
		TodayByHour:   hours,
	}, got)

	empty, err := s.Overview(t.Context(), now, day.Add(-48*time.Hour))
	require.NoError(t, err)
	require.Zero(t, empty.TodayTotal)
	require.Empty(t, empty.TodayByRoute)
	require.Len(t, empty.TodayByHour, 24)
}

func testOutboxKind(t *testing.T, s store.Store, clk *clock) {
	now := clk.Now()
	ids := enqueue(t, s, "a", 0, 1, now)
	require.Equal(t, store.KindAlert, outboxOf(t, s, clueID(0))[0].Kind, "outbox items")
	it, err := s.Delivery(t.Context(), ids[0])
	require.NoError(t, err)
	require.Equal(t, store.KindAlert, it.Kind, "delivery")
	items, err := s.Deliveries(t.Context(), store.DeliveryQuery{})
	require.NoError(t, err)
	require.Equal(t, store.KindAlert, items[0].Kind, "deliveries")
	claimed := claim(t, s, "a", "w", now, 10)
	require.Equal(t, store.KindAlert, claimed[0].Kind, "claims")
}

// testOutboxOf: the outbox rows of a page of leads in one call, each lead's
// as OutboxItems lists them; leads without rows, and unknown ids, absent.
func testOutboxOf(t *testing.T, s store.Store, clk *clock) {
	at := clk.Advance(time.Minute)
	a, b, none := clueID(1), clueID(2), clueID(3)
	routeClue(t, s, a, at, store.RouteResult{Route: "henan-hot", Assignee: "张三", Receivers: []string{"henan-sales", "managers"}})
	routeClue(t, s, b, at, store.RouteResult{Route: "everything-else", Receivers: []string{"managers"}})
	routeClue(t, s, none, at)
	require.NoError(t, s.MarkSent(t.Context(), itemIDs(outboxOf(t, s, a))[:1], at))

	got, err := s.OutboxOf(t.Context(), []string{a, b, none, "no-such-clue"})
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, outboxOf(t, s, a), normalizeItems(got[a]))
	require.Len(t, got[a], 2)
	require.Equal(t, store.OutboxSent, got[a][0].State)
	require.Equal(t, outboxOf(t, s, b), normalizeItems(got[b]))
	require.NotContains(t, got, none)

	got, err = s.OutboxOf(t.Context(), nil)
	require.NoError(t, err)
	require.Empty(t, got)
}
