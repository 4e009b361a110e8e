package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// created is a clue creation time in the vendor's zone, to the millisecond.
var created = time.Date(2025, 3, 1, 9, 30, 15, 250e6, vendorZone)

func testInsertReadBack(t *testing.T, s store.Store, clk *clock) {
	full := sampleClue(clueID(1), 90000000001, created)
	sparse := store.Clue{ID: "1974516040085363860123", AdvertiserID: 7, Raw: []byte(`{}`)} // zero times
	y2k := sampleClue("42", 8, time.Date(1999, 12, 31, 23, 59, 59, 999e6, time.UTC))
	upsert(t, s, store.UpsertStats{Inserted: 3}, full, sparse, y2k)

	now := clk.Now()
	for _, want := range []store.Clue{full, sparse, y2k} {
		t.Run(want.ID, func(t *testing.T) {
			requireClue(t, s, want, now, now)
			hist, err := s.ClueHistory(t.Context(), want.ID)
			require.NoError(t, err)
			require.Empty(t, hist)
		})
	}

	got, err := s.Clue(t.Context(), "1974516040085363860123")
	require.NoError(t, err)
	require.True(t, got.CreateTime.IsZero(), "zero create time stays zero: %v", got.CreateTime)
	require.True(t, got.UpdateTime.IsZero(), "zero update time stays zero: %v", got.UpdateTime)

	_, err = s.Clue(t.Context(), "1974516040085363860124")
	require.ErrorIs(t, err, store.ErrNotFound)
	hist, err := s.ClueHistory(t.Context(), "1974516040085363860124")
	require.NoError(t, err)
	require.Empty(t, hist)
}

func testIdempotent(t *testing.T, s store.Store, clk *clock) {
	batch := []store.Clue{sampleClue(clueID(1), 1, created), sampleClue(clueID(2), 1, created.Add(time.Hour))}
	first := clk.Now()
	upsert(t, s, store.UpsertStats{Inserted: 2}, batch...)
	clk.Advance(time.Hour)
	upsert(t, s, store.UpsertStats{Unchanged: 2}, batch...)

	for _, c := range batch {
		requireClue(t, s, c, first, first)
		hist, err := s.ClueHistory(t.Context(), c.ID)
		require.NoError(t, err)
		require.Empty(t, hist)
	}
	n, err := s.CountClues(t.Context(), store.ClueFilter{})
	require.NoError(t, err)
	require.Equal(t, 2, n)
}

// tracked returns the history entry that records c's tracked values.
func tracked(c store.Clue, changedAt time.Time) store.HistoryEntry {
	return store.HistoryEntry{ClueID: c.ID, ChangedAt: changedAt.UTC(), UpdateTime: c.UpdateTime.UTC(),
		IntentionID: c.IntentionID, PhoneStat: c.PhoneStat, ScheduleID: c.ScheduleID}
}

func testTrackedChange(t *testing.T, s store.Store, clk *clock) {
	tests := []struct {
		name   string
		change func(c *store.Clue)
	}{
		{"update time", func(c *store.Clue) { c.UpdateTime = c.UpdateTime.Add(time.Millisecond) }},
		{"intention", func(c *store.Clue) { c.IntentionID = 4 }},
		{"phone stat", func(c *store.Clue) { c.PhoneStat = 2 }},
		{"schedule", func(c *store.Clue) { c.ScheduleID = 8 }},
		{"schedule with raw and city", func(c *store.Clue) {
			c.ScheduleID, c.City, c.Raw = 9, "广州市", []byte(`{"schedule_id":9}`)
		}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := sampleClue(clueID(i), 1, created)
			firstSeen := clk.Now()
			upsert(t, s, store.UpsertStats{Inserted: 1}, old)

			next := old
			tt.change(&next)
			changedAt := clk.Advance(10 * time.Minute)
			upsert(t, s, store.UpsertStats{Updated: 1}, next)

			requireClue(t, s, next, firstSeen, changedAt)
			hist, err := s.ClueHistory(t.Context(), old.ID)
			require.NoError(t, err)
			require.Equal(t, []store.HistoryEntry{tracked(old, changedAt)}, normalizeHistory(hist))
		})
	}
}

func testHistoryOrder(t *testing.T, s store.Store, clk *clock) {
	v0 := sampleClue(clueID(1), 1, created)
	firstSeen := clk.Now()
	upsert(t, s, store.UpsertStats{Inserted: 1}, v0)

	v1, v2, v3 := v0, v0, v0
	v1.IntentionID = 10
	v2.IntentionID, v2.PhoneStat = 10, 20
	v3.IntentionID, v3.PhoneStat, v3.UpdateTime = 10, 20, v0.UpdateTime.Add(time.Hour)
	var want []store.HistoryEntry
	var at time.Time
	for _, step := range []struct{ prev, next store.Clue }{{v0, v1}, {v1, v2}, {v2, v3}} {
		at = clk.Advance(time.Minute)
		upsert(t, s, store.UpsertStats{Updated: 1}, step.next)
		want = append(want, tracked(step.prev, at))
	}

	requireClue(t, s, v3, firstSeen, at)
	hist, err := s.ClueHistory(t.Context(), v0.ID)
	require.NoError(t, err)
	require.Equal(t, want, normalizeHistory(hist))
}

func testUntrackedChange(t *testing.T, s store.Store, clk *clock) {
	tests := []struct {
		name   string
		change func(c *store.Clue)
	}{
		{"raw", func(c *store.Clue) { c.Raw = []byte(`{"id":"x","extra":"新字段"}`) }},
		{"names and places", func(c *store.Clue) {
			c.UserName, c.PageName, c.Province, c.City, c.Store = "李四", "新页面", "浙江省", "杭州市", "西湖店"
		}},
		{"phone and page", func(c *store.Clue) { c.Phone, c.PageID = "139****1111", "2" }},
		{"codes", func(c *store.Clue) { c.ClueTag, c.SourceType, c.AdvertiserID = 9, 9, 2 }},
		{"create time", func(c *store.Clue) { c.CreateTime = c.CreateTime.Add(-time.Second) }},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := sampleClue(clueID(i), 1, created)
			firstSeen := clk.Now()
			upsert(t, s, store.UpsertStats{Inserted: 1}, old)

			next := old
			tt.change(&next)
			clk.Advance(10 * time.Minute)
			upsert(t, s, store.UpsertStats{Unchanged: 1}, next)

			requireClue(t, s, next, firstSeen, firstSeen)
			hist, err := s.ClueHistory(t.Context(), old.ID)
			require.NoError(t, err)
			require.Empty(t, hist)
		})
	}
}
