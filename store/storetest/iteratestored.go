package storetest

import (
	"testing"
	"time"

	"github.com/cluebot/cluebot/store"
)

// testIterateByFirstSeen checks that a filter ByFirstSeen bounds and orders
// by when the store first stored each clue, whatever its create_time: a
// lead created years ago and stored now is in the window of now, and a
// later change of a clue leaves it in the window it was first stored in.
func testIterateByFirstSeen(t *testing.T, s store.Store, clk *clock) {
	const a, b = 90000000001, 90000000002
	t0 := clk.Now()
	backfilled := time.Date(2021, 3, 7, 15, 0, 0, 0, vendorZone)
	c1 := sampleClue(clueID(1), a, backfilled)
	upsert(t, s, store.UpsertStats{Inserted: 1}, c1)
	t1 := clk.Advance(time.Hour)
	c2 := sampleClue(clueID(2), a, t0.Add(2*time.Hour)) // stored with c3: ordered by id
	c3 := sampleClue(clueID(3), b, t0.Add(time.Hour))
	upsert(t, s, store.UpsertStats{Inserted: 2}, c3, c2)
	t2 := clk.Advance(time.Hour)
	c4 := sampleClue(clueID(4), a, t0.Add(-24*time.Hour))
	upsert(t, s, store.UpsertStats{Inserted: 1}, c4)
	// A tracked change later does not move c1 out of its window.
	t3 := clk.Advance(time.Hour)
	c1.IntentionID++
	upsert(t, s, store.UpsertStats{Updated: 1}, c1)

	byStored := func(from, to time.Time) store.ClueFilter {
		return store.ClueFilter{From: from, To: to, ByFirstSeen: true}
	}
	tests := []struct {
		name string
		f    store.ClueFilter
		want []store.Clue
	}{
		{"stored order", byStored(time.Time{}, time.Time{}), []store.Clue{c1, c2, c3, c4}},
		{"created order without it", store.ClueFilter{}, []store.Clue{c1, c4, c3, c2}},
		{"from is inclusive", byStored(t1, time.Time{}), []store.Clue{c2, c3, c4}},
		{"to is exclusive", byStored(time.Time{}, t1), []store.Clue{c1}},
		{"window", byStored(t1, t2), []store.Clue{c2, c3}},
		{"window in another zone", byStored(t0.In(vendorZone), t2.Add(-time.Millisecond).In(vendorZone)),
			[]store.Clue{c1, c2, c3}},
		{"millisecond after", byStored(t0.Add(time.Millisecond), time.Time{}), []store.Clue{c2, c3, c4}},
		{"changed later, stored before", byStored(t3, time.Time{}), nil},
		{"old create_time, stored in the window", byStored(t0, t3), []store.Clue{c1, c2, c3, c4}},
		{"its create_time window", store.ClueFilter{From: backfilled, To: backfilled.Add(time.Hour)},
			[]store.Clue{c1}},
		{"its create_time window, by first seen", byStored(backfilled, backfilled.Add(time.Hour)), nil},
		{"advertiser and window", store.ClueFilter{AdvertiserID: a, From: t0, To: t2, ByFirstSeen: true},
			[]store.Clue{c1, c2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { requireFilterReads(t, s, tt.f, tt.want) })
	}
}
