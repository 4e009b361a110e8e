package postgres

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/postgres/pgtest"
	"github.com/cluebot/cluebot/store/storetest"
)

// instances opens n stores, each with its own pool, on one fresh schema, as
// n cluebot processes would.
func instances(t *testing.T, n int) []*Store {
	t.Helper()
	dsn, schema := pgtest.FreshSchema(t)
	stores := make([]*Store, n)
	for i := range stores {
		stores[i] = openIn(t, dsn, schema)
	}
	return stores
}

// routeAll stores n clues and routes each to every receiver, one outbox row
// per receiver, and returns the outbox ids.
func routeAll(t *testing.T, s *Store, n int, at time.Time, receivers ...string) []int64 {
	t.Helper()
	return storetest.RouteAll(t, s, n, at, receivers...)
}

// TestExactlyOnceAcrossInstances has three workers on three stores claim and
// deliver 300 rows of two receivers: every row is sent exactly once, and the
// counts on each clue, which both receivers' deliveries update at once, add
// up.
func TestExactlyOnceAcrossInstances(t *testing.T) {
	const clues, limit = 150, 7
	stores := instances(t, 3)
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	want := routeAll(t, stores[0], clues, now, "a", "b")
	require.Len(t, want, 300)

	claimed := make([][]int64, len(stores))
	errs := make([]error, len(stores))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for g, s := range stores {
		wg.Go(func() {
			ctx := context.Background()
			<-start
			for range len(want) { // a bound, should claims hand rows out again and again
				got := 0
				for k := range 2 {
					items, err := s.ClaimOutbox(ctx, store.Claim{Receiver: []string{"a", "b"}[(g+k)%2],
						Owner: fmt.Sprintf("w%d", g), Now: now, Lease: time.Minute, Limit: limit})
					if err != nil {
						errs[g] = err
						return
					}
					ids := make([]int64, len(items))
					for i, it := range items {
						ids[i] = it.ID
					}
					if err := s.MarkSent(ctx, ids, now); err != nil {
						errs[g] = err
						return
					}
					claimed[g] = append(claimed[g], ids...)
					got += len(ids)
				}
				if got == 0 {
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()

	var all []int64
	for g := range stores {
		require.NoError(t, errs[g], "worker %d", g)
		require.NotEmpty(t, claimed[g], "worker %d claimed nothing: no concurrency was tested", g)
		all = append(all, claimed[g]...)
	}
	slices.Sort(all)
	require.Equal(t, want, all, "every row claimed exactly once")
	for _, c := range storetest.BenchClues(0, clues, 3) {
		items, err := stores[1].OutboxItems(t.Context(), c.ID)
		require.NoError(t, err)
		for _, it := range items {
			require.Equal(t, store.OutboxSent, it.State)
			require.Equal(t, 1, it.Attempts, "sent once")
		}
		got, err := stores[2].Clue(t.Context(), c.ID)
		require.NoError(t, err)
		require.Equal(t, []int{2, 0, 0}, []int{got.Sent, got.Pending, got.Dead}, c.ID)
	}
	st, err := stores[0].OutboxStats(t.Context(), now)
	require.NoError(t, err)
	require.Equal(t, store.OutboxStats{}, st)
}

// TestSaveRoutingAcrossInstances has two instances route the same clues at
// once, as two routers racing: each clue is saved by exactly one of them
// and its alerts are enqueued once.
func TestSaveRoutingAcrossInstances(t *testing.T) {
	const n = 60
	stores := instances(t, 2)
	clues := storetest.BenchClues(0, n, 3)
	_, err := stores[0].UpsertClues(t.Context(), clues)
	require.NoError(t, err)
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	saved := make([][]bool, len(stores))
	errs := make([]error, len(stores))
	var wg sync.WaitGroup
	for g, s := range stores {
		saved[g] = make([]bool, n)
		wg.Go(func() {
			for i, c := range clues {
				saved[g][i], errs[g] = s.SaveRouting(context.Background(), store.Routing{ClueID: c.ID, RoutedAt: at,
					Results: []store.RouteResult{{Route: fmt.Sprintf("r%d", g), Receivers: []string{"a", "b"}}}})
				if errs[g] != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	for g := range stores {
		require.NoError(t, errs[g], "instance %d", g)
	}
	for i, c := range clues {
		require.NotEqual(t, saved[0][i], saved[1][i], "clue %s saved by exactly one instance", c.ID)
		winner := 0
		if saved[1][i] {
			winner = 1
		}
		got, err := stores[1-winner].Clue(t.Context(), c.ID)
		require.NoError(t, err)
		require.Equal(t, []string{fmt.Sprintf("r%d", winner)}, got.Routes, "the winner's routing is kept")
		require.Equal(t, 2, got.Pending, "and enqueued once")
	}
}

// TestLeaseExpiryAcrossInstances checks that rows a crashed instance leased
// stay with it until the lease ends and then go to another instance.
func TestLeaseExpiryAcrossInstances(t *testing.T) {
	stores := instances(t, 2)
	crashed, survivor := stores[0], stores[1]
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	ids := routeAll(t, survivor, 8, now, "a")
	claim := func(s *Store, owner string, at time.Time) []int64 {
		items, err := s.ClaimOutbox(t.Context(), store.Claim{Receiver: "a", Owner: owner, Now: at,
			Lease: time.Minute, Limit: 5})
		require.NoError(t, err)
		got := []int64{}
		for _, it := range items {
			got = append(got, it.ID)
		}
		return got
	}

	require.Equal(t, ids[:5], claim(crashed, "crashed", now))
	require.NoError(t, crashed.Close()) // dies holding the lease
	require.Equal(t, ids[5:], claim(survivor, "survivor", now), "the leased rows are skipped")
	require.Empty(t, claim(survivor, "survivor", now.Add(time.Minute-time.Millisecond)), "still leased")
	taken := claim(survivor, "survivor", now.Add(time.Minute))
	require.Equal(t, ids[:5], taken, "the lease ended: the rows go to the survivor")
	require.NoError(t, survivor.MarkSent(t.Context(), append(taken, ids[5:]...), now.Add(time.Minute)))
	st, err := survivor.OutboxStats(t.Context(), now)
	require.NoError(t, err)
	require.Zero(t, st.Pending, "all delivered")
}

// TestRotationAcrossInstances checks that instances share round-robin turns,
// and that the turns survive a restart.
func TestRotationAcrossInstances(t *testing.T) {
	const workers, cycles = 6, 5
	dsn, schema := pgtest.FreshSchema(t)
	stores := []*Store{openIn(t, dsn, schema), openIn(t, dsn, schema)}
	storetest.ConcurrentRotation(t, []store.Store{stores[0], stores[1]}, "busy", workers, cycles)

	require.NoError(t, stores[0].Close())
	storetest.RotationSequence(t, openIn(t, dsn, schema), "busy", workers, 0, 1)
}
