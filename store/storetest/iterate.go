package storetest

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// requireFilterReads checks that every read of clues by filter f finds want, in
// order: IterateClues, IterateRoutingRows, CountClues and CountClueGroups.
func requireFilterReads(t *testing.T, s store.Store, f store.ClueFilter, want []store.Clue) {
	t.Helper()
	ids := []string{}
	for _, c := range want {
		ids = append(ids, c.ID)
	}
	require.Equal(t, ids, iterateIDs(t, s, f))
	require.Equal(t, ids, idsOf(t, s.IterateRoutingRows, f), "IterateRoutingRows reads the same clues")
	n, err := s.CountClues(t.Context(), f)
	require.NoError(t, err)
	require.Equal(t, len(want), n)
	groups, err := s.CountClueGroups(t.Context(), f, store.GroupPage)
	require.NoError(t, err)
	total := 0
	for _, g := range groups {
		total += g.Count
	}
	require.Equal(t, len(want), total, "CountClueGroups counts the same clues")
}

// iterateIDs collects the ids IterateClues yields for f.
func iterateIDs(t *testing.T, s store.Store, f store.ClueFilter) []string {
	t.Helper()
	return idsOf(t, s.IterateClues, f)
}

// idsOf collects the ids one of the store's iterations yields for f.
func idsOf(t *testing.T, iterate func(context.Context, store.ClueFilter, func(*store.Clue) error) error,
	f store.ClueFilter) []string {
	t.Helper()
	ids := []string{}
	require.NoError(t, iterate(t.Context(), f, func(c *store.Clue) error {
		ids = append(ids, c.ID)
		return nil
	}))
	return ids
}

func testIterateFilters(t *testing.T, s store.Store, _ *clock) {
	const a, b = 90000000001, 90000000002
	base := time.Date(2025, 3, 1, 8, 0, 0, 0, vendorZone)
	c1 := sampleClue(clueID(1), a, base)
	c2 := sampleClue(clueID(2), a, base.Add(time.Hour))
	c3 := sampleClue(clueID(3), b, base.Add(time.Hour)) // same create_time as c2: ordered by id
	c4 := sampleClue(clueID(4), b, base.Add(2*time.Hour))
	c5 := sampleClue(clueID(5), a, base.Add(3*time.Hour))
	c6 := sampleClue(clueID(6), a, base.Add(-24*time.Hour))
	upsert(t, s, store.UpsertStats{Inserted: 6}, c5, c3, c1, c6, c4, c2)

	tests := []struct {
		name string
		f    store.ClueFilter
		want []store.Clue
	}{
		{"no filter", store.ClueFilter{}, []store.Clue{c6, c1, c2, c3, c4, c5}},
		{"from is inclusive", store.ClueFilter{From: base.Add(time.Hour)}, []store.Clue{c2, c3, c4, c5}},
		{"to is exclusive", store.ClueFilter{To: base.Add(time.Hour)}, []store.Clue{c6, c1}},
		{"window", store.ClueFilter{From: base, To: base.Add(2 * time.Hour)}, []store.Clue{c1, c2, c3}},
		{"window in utc", store.ClueFilter{From: base.UTC(), To: base.Add(2*time.Hour - time.Millisecond).UTC()},
			[]store.Clue{c1, c2, c3}},
		{"millisecond after", store.ClueFilter{From: base.Add(time.Millisecond)}, []store.Clue{c2, c3, c4, c5}},
		{"advertiser", store.ClueFilter{AdvertiserID: a}, []store.Clue{c6, c1, c2, c5}},
		{"advertiser and window", store.ClueFilter{AdvertiserID: b, From: base, To: base.Add(2 * time.Hour)},
			[]store.Clue{c3}},
		{"empty window", store.ClueFilter{From: base.Add(time.Hour), To: base.Add(time.Hour)}, nil},
		{"reversed window", store.ClueFilter{From: base.Add(time.Hour), To: base}, nil},
		{"unknown advertiser", store.ClueFilter{AdvertiserID: 3}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { requireFilterReads(t, s, tt.f, tt.want) })
	}

	t.Run("yields whole clues", func(t *testing.T) {
		var got []store.Clue
		require.NoError(t, s.IterateClues(t.Context(), store.ClueFilter{}, func(c *store.Clue) error {
			cp := *c
			cp.Raw = bytes.Clone(c.Raw) // fn must not keep c's memory
			got = append(got, cp)
			return nil
		}))
		require.Len(t, got, 6)
		for _, g := range got {
			stored, err := s.Clue(t.Context(), g.ID)
			require.NoError(t, err)
			require.Equal(t, normalize(stored), normalize(g))
		}
	})

	t.Run("routing rows are the columns a lead is routed by", func(t *testing.T) {
		var got []store.Clue
		require.NoError(t, s.IterateRoutingRows(t.Context(), store.ClueFilter{}, func(c *store.Clue) error {
			cp := *c
			cp.Raw = bytes.Clone(c.Raw) // c.Raw is valid only until fn returns
			got = append(got, cp)
			return nil
		}))
		require.Len(t, got, 6)
		for _, g := range got {
			stored, err := s.Clue(t.Context(), g.ID)
			require.NoError(t, err)
			require.NotEmpty(t, g.Raw)
			require.Equal(t, routingRow(normalize(stored)), normalize(g))
		}
	})
}

// routingRow is c as IterateRoutingRows reads it: the columns a lead is
// routed by.
func routingRow(c store.Clue) store.Clue {
	return store.Clue{ID: c.ID, AdvertiserID: c.AdvertiserID, CreateTime: c.CreateTime, Province: c.Province,
		City: c.City, Store: c.Store, Raw: c.Raw}
}

func testIterateStop(t *testing.T, s store.Store, _ *clock) {
	for i := range 5 {
		upsert(t, s, store.UpsertStats{Inserted: 1}, sampleClue(clueID(i), 1, created.Add(time.Duration(i)*time.Minute)))
	}
	errStop := errors.New("stop here")
	var ids []string
	err := s.IterateClues(t.Context(), store.ClueFilter{}, func(c *store.Clue) error {
		ids = append(ids, c.ID)
		if len(ids) == 2 {
			return errStop
		}
		return nil
	})
	require.ErrorIs(t, err, errStop)
	require.Equal(t, []string{clueID(0), clueID(1)}, ids)

	// The store is still usable: the stopped iteration released what it held.
	upsert(t, s, store.UpsertStats{Inserted: 1}, sampleClue(clueID(9), 1, created))
	require.Len(t, iterateIDs(t, s, store.ClueFilter{}), 6)
}

func testIterateCancelled(t *testing.T, s store.Store, _ *clock) {
	batch := make([]store.Clue, 50)
	for i := range batch {
		batch[i] = sampleClue(clueID(i), 1, created.Add(time.Duration(i)*time.Second))
	}
	upsert(t, s, store.UpsertStats{Inserted: len(batch)}, batch...)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	calls := 0
	err := s.IterateClues(ctx, store.ClueFilter{}, func(*store.Clue) error {
		calls++
		cancel()
		return nil
	})
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, 1, calls, "no clue is passed to fn after ctx is done")
}
