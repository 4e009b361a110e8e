package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

func testDuplicates(t *testing.T, s store.Store, clk *clock) {
	tests := []struct {
		name     string
		stored   bool // the clue is already stored before the batch
		batch    func(a, changed store.Clue) []store.Clue
		want     store.UpsertStats
		history  int
		wantLast bool // the stored clue ends up as changed
	}{
		{"identical copies", false, func(a, _ store.Clue) []store.Clue { return []store.Clue{a, a, a} },
			store.UpsertStats{Inserted: 1, Unchanged: 2}, 0, false},
		{"changed copy", false, func(a, c store.Clue) []store.Clue { return []store.Clue{a, c} },
			store.UpsertStats{Inserted: 1, Updated: 1}, 1, true},
		{"change and back", false, func(a, c store.Clue) []store.Clue { return []store.Clue{a, c, a} },
			store.UpsertStats{Inserted: 1, Updated: 2}, 2, false},
		{"copies of a stored clue", true, func(_, c store.Clue) []store.Clue { return []store.Clue{c, c} },
			store.UpsertStats{Updated: 1, Unchanged: 1}, 1, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := sampleClue(clueID(i), 1, created)
			changed := a
			changed.IntentionID, changed.Raw = 99, []byte(`{"intention_id":99}`)
			firstSeen := clk.Advance(time.Minute)
			if tt.stored {
				upsert(t, s, store.UpsertStats{Inserted: 1}, a)
			}
			batchAt := clk.Advance(time.Minute)
			if !tt.stored {
				firstSeen = batchAt
			}
			upsert(t, s, tt.want, tt.batch(a, changed)...)

			want, lastUpdated := a, firstSeen
			if tt.wantLast {
				want = changed
			}
			if tt.history > 0 {
				lastUpdated = batchAt
			}
			requireClue(t, s, want, firstSeen, lastUpdated)
			hist, err := s.ClueHistory(t.Context(), a.ID)
			require.NoError(t, err)
			require.Len(t, hist, tt.history)
			if tt.history > 0 {
				require.Equal(t, tracked(a, batchAt), normalizeHistory(hist)[0], "the first entry holds the original values")
			}
			n, err := s.CountClues(t.Context(), store.ClueFilter{})
			require.NoError(t, err)
			require.Equal(t, i+1, n)
		})
	}
}

func testEmptyID(t *testing.T, s store.Store, _ *clock) {
	batch := []store.Clue{sampleClue(clueID(1), 1, created), sampleClue("", 1, created)}
	_, err := s.UpsertClues(t.Context(), batch)
	require.Error(t, err)
	n, err := s.CountClues(t.Context(), store.ClueFilter{})
	require.NoError(t, err)
	require.Zero(t, n, "a failed upsert stores none of its batch")
}

func testLargeBatch(t *testing.T, s store.Store, clk *clock) {
	const n = 1234 // more rows than a backend may bind in one statement
	batch := make([]store.Clue, n)
	for i := range batch {
		batch[i] = sampleClue(clueID(i), int64(1+i%4), created.Add(time.Duration(i)*time.Second))
	}
	upsert(t, s, store.UpsertStats{Inserted: n}, batch...)
	upsert(t, s, store.UpsertStats{Unchanged: n}, batch...)
	changed := make([]store.Clue, n)
	for i, c := range batch {
		c.PhoneStat = 5
		changed[i] = c
	}
	changedAt := clk.Advance(time.Minute)
	upsert(t, s, store.UpsertStats{Updated: n}, changed...)

	count, err := s.CountClues(t.Context(), store.ClueFilter{})
	require.NoError(t, err)
	require.Equal(t, n, count)
	require.Len(t, iterateIDs(t, s, store.ClueFilter{}), n)
	for _, i := range []int{0, 99, 100, 101, n - 1} {
		requireClue(t, s, changed[i], changedAt.Add(-time.Minute), changedAt)
		hist, err := s.ClueHistory(t.Context(), batch[i].ID)
		require.NoError(t, err)
		require.Equal(t, []store.HistoryEntry{tracked(batch[i], changedAt)}, normalizeHistory(hist))
	}
}

func testConcurrentUpserts(t *testing.T, s store.Store, _ *clock) {
	const workers, perWorker, batchSize = 8, 80, 20
	const distinct = workers * perWorker / 2 // worker g covers ids [g*40, g*40+80) mod 320
	results := make([]store.UpsertStats, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			var batch []store.Clue
			for k := range perWorker {
				n := (g*perWorker/2 + k) % distinct
				batch = append(batch, sampleClue(clueID(n), int64(1+n%3), created.Add(time.Duration(n)*time.Second)))
				if len(batch) == batchSize {
					st, err := s.UpsertClues(context.Background(), batch)
					if err != nil {
						errs[g] = err
						return
					}
					results[g].Add(st)
					batch = nil
				}
			}
		})
	}
	wg.Wait()

	var total store.UpsertStats
	for g := range workers {
		require.NoError(t, errs[g], "worker %d", g)
		total.Add(results[g])
	}
	require.Equal(t, store.UpsertStats{Inserted: distinct, Unchanged: workers*perWorker - distinct}, total)
	n, err := s.CountClues(t.Context(), store.ClueFilter{})
	require.NoError(t, err)
	require.Equal(t, distinct, n)
	seen := map[string]bool{}
	require.NoError(t, s.IterateClues(t.Context(), store.ClueFilter{}, func(c *store.Clue) error {
		require.False(t, seen[c.ID], "id %s stored twice", c.ID)
		seen[c.ID] = true
		return nil
	}))
	require.Len(t, seen, distinct)
}

func testCancelled(t *testing.T, s store.Store, _ *clock) {
	upsert(t, s, store.UpsertStats{Inserted: 1}, sampleClue(clueID(1), 1, created))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name string
		call func() error
	}{
		{"upsert", func() error {
			_, err := s.UpsertClues(ctx, []store.Clue{sampleClue(clueID(2), 1, created)})
			return err
		}},
		{"clue", func() error { _, err := s.Clue(ctx, clueID(1)); return err }},
		{"history", func() error { _, err := s.ClueHistory(ctx, clueID(1)); return err }},
		{"iterate", func() error {
			return s.IterateClues(ctx, store.ClueFilter{}, func(*store.Clue) error { return nil })
		}},
		{"count", func() error { _, err := s.CountClues(ctx, store.ClueFilter{}); return err }},
		{"count groups", func() error {
			_, err := s.CountClueGroups(ctx, store.ClueFilter{}, store.GroupPage)
			return err
		}},
		{"sync state", func() error { _, err := s.SyncState(ctx, 1); return err }},
		{"save sync state", func() error { return s.SaveSyncState(ctx, store.SyncState{AdvertiserID: 1}) }},
		{"token", func() error { _, err := s.Token(ctx, 1); return err }},
		{"save token", func() error { return s.SaveToken(ctx, store.Token{AdvertiserID: 1}) }},
		{"ping", func() error { return s.Ping(ctx) }},
		{"unrouted clues", func() error { _, err := s.UnroutedClues(ctx, 10); return err }},
		{"save routing", func() error {
			_, err := s.SaveRouting(ctx, store.Routing{ClueID: clueID(1), RoutedAt: created,
				Results: []store.RouteResult{{Route: "r", Receivers: []string{"a"}}}})
			return err
		}},
		{"next rotation", func() error { _, err := s.NextRotation(ctx, "r", 2); return err }},
		{"outbox receivers", func() error { _, err := s.OutboxReceivers(ctx, created); return err }},
		{"claim outbox", func() error {
			_, err := s.ClaimOutbox(ctx, store.Claim{Receiver: "a", Owner: "w", Now: created, Lease: time.Minute, Limit: 1})
			return err
		}},
		{"mark sent", func() error { return s.MarkSent(ctx, []int64{1}, created) }},
		{"mark retry", func() error { return s.MarkRetry(ctx, []int64{1}, created, "x") }},
		{"mark dead", func() error { return s.MarkDead(ctx, []int64{1}, "x") }},
		{"release outbox", func() error { return s.ReleaseOutbox(ctx, []int64{1}) }},
		{"outbox items", func() error { _, err := s.OutboxItems(ctx, clueID(1)); return err }},
		{"outbox stats", func() error { _, err := s.OutboxStats(ctx, created); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.call(), context.Canceled)
		})
	}
	n, err := s.CountClues(t.Context(), store.ClueFilter{})
	require.NoError(t, err)
	require.Equal(t, 1, n, "the cancelled upsert stored nothing")
	_, err = s.SyncState(t.Context(), 1)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.Token(t.Context(), 1)
	require.ErrorIs(t, err, store.ErrNotFound)
	c, err := s.Clue(t.Context(), clueID(1))
	require.NoError(t, err)
	require.True(t, c.RoutedAt.IsZero(), "the cancelled routing saved nothing")
	RotationSequence(t, s, "r", 2, 0)
}
