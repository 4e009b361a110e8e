package postgres

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/storetest"
)

// TestConcurrentChangesSerialize has workers on two stores change the same
// clues at once, in different orders and batches: every id must end up as
// if the upserts had run one after the other, with no change lost and no
// deadlock.
func TestConcurrentChangesSerialize(t *testing.T) {
	const workers, ids, batch = 4, 120, 15
	stores := instances(t, 2)
	stats := make([]store.UpsertStats, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for g := range workers {
		s := stores[g%2]
		wg.Go(func() {
			clues := storetest.BenchClues(0, ids, 10+g) // worker g writes intention 10+g
			rand.New(rand.NewPCG(uint64(g), 1)).Shuffle(len(clues), func(i, j int) { clues[i], clues[j] = clues[j], clues[i] })
			for start := 0; start < ids; start += batch {
				st, err := s.UpsertClues(context.Background(), clues[start:start+batch])
				if err != nil {
					errs[g] = err
					return
				}
				stats[g].Add(st)
			}
		})
	}
	wg.Wait()

	var total store.UpsertStats
	for g := range workers {
		require.NoError(t, errs[g], "worker %d", g)
		total.Add(stats[g])
	}
	require.Equal(t, store.UpsertStats{Inserted: ids, Updated: ids * (workers - 1)}, total,
		"each worker's distinct intention is one insert or one change of every id")
	all := make([]int64, workers)
	for g := range all {
		all[g] = int64(10 + g)
	}
	for _, c := range storetest.BenchClues(0, ids, 0) {
		hist, err := stores[0].ClueHistory(t.Context(), c.ID)
		require.NoError(t, err)
		stored, err := stores[1].Clue(t.Context(), c.ID)
		require.NoError(t, err)
		seen := []int64{stored.IntentionID}
		for _, h := range hist {
			seen = append(seen, h.IntentionID)
		}
		slices.Sort(seen)
		require.Equal(t, all, seen, "clue %s: the history holds every value but the last, once", c.ID)
	}
}

// TestUpsertLeavesRoutingAlone checks that upserting a routed clue again,
// changed or not, keeps its routing and outbox counts.
func TestUpsertLeavesRoutingAlone(t *testing.T) {
	s := openTest(t)
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	routeAll(t, s, 3, at, "a", "b")
	tests := []struct {
		name  string
		clues []store.Clue
		want  store.UpsertStats
	}{
		{"unchanged", storetest.BenchClues(0, 3, 3), store.UpsertStats{Unchanged: 3}},
		{"changed", storetest.BenchClues(0, 3, 4), store.UpsertStats{Updated: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := s.UpsertClues(t.Context(), tt.clues)
			require.NoError(t, err)
			require.Equal(t, tt.want, st)
			for _, c := range tt.clues {
				got, err := s.Clue(t.Context(), c.ID)
				require.NoError(t, err)
				require.Equal(t, c.IntentionID, got.IntentionID)
				require.Equal(t, at, got.RoutedAt)
				require.Equal(t, []string{"r"}, got.Routes)
				require.Equal(t, 2, got.Pending)
			}
		})
	}
}
