package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// lease is how long the suite's claims lease rows.
const lease = time.Minute

// normalizeItems returns items with every time in UTC.
func normalizeItems(items []store.OutboxItem) []store.OutboxItem {
	out := make([]store.OutboxItem, len(items))
	for i, it := range items {
		it.NextAt, it.CreatedAt, it.SentAt = it.NextAt.UTC(), it.CreatedAt.UTC(), it.SentAt.UTC()
		out[i] = it
	}
	return out
}

// itemIDs returns the ids of items.
func itemIDs(items []store.OutboxItem) []int64 {
	ids := []int64{}
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	return ids
}

// claim claims up to limit rows of receiver for owner at now.
func claim(t *testing.T, s store.Store, receiver, owner string, now time.Time, limit int) []store.OutboxItem {
	t.Helper()
	items, err := s.ClaimOutbox(t.Context(), store.Claim{Receiver: receiver, Owner: owner, Now: now,
		Lease: lease, Limit: limit})
	require.NoError(t, err)
	return normalizeItems(items)
}

// enqueue routes n new clues, ids from first on, to receiver at at and
// returns their outbox ids in order.
func enqueue(t *testing.T, s store.Store, receiver string, first, n int, at time.Time) []int64 {
	t.Helper()
	var ids []int64
	for i := first; i < first+n; i++ {
		routeClue(t, s, clueID(i), at, store.RouteResult{Route: "r", Receivers: []string{receiver}})
		ids = append(ids, itemIDs(outboxOf(t, s, clueID(i)))...)
	}
	return ids
}

func testClaimOrder(t *testing.T, s store.Store, clk *clock) {
	now := clk.Now()
	late := enqueue(t, s, "a", 0, 2, now)
	early := enqueue(t, s, "a", 2, 2, now.Add(-time.Hour))
	enqueue(t, s, "b", 4, 1, now.Add(-2*time.Hour))
	tests := []struct {
		name     string
		receiver string
		limit    int
		want     []int64
	}{
		{"zero limit", "a", 0, []int64{}},
		{"negative limit", "a", -1, []int64{}},
		{"oldest due first, then by id", "a", 3, []int64{early[0], early[1], late[0]}},
		{"the rest", "a", 10, []int64{late[1]}},
		{"nothing left unleased", "a", 10, []int64{}},
		{"unknown receiver", "c", 10, []int64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := claim(t, s, tt.receiver, "w1", now, tt.limit)
			require.Equal(t, tt.want, itemIDs(items))
			for _, it := range items {
				require.Equal(t, tt.receiver, it.Receiver)
				require.Equal(t, store.OutboxPending, it.State)
			}
		})
	}
	require.Len(t, claim(t, s, "b", "w1", now, 10), 1, "claims of one receiver leave the others alone")

	enqueue(t, s, "d", 5, 1, now)
	bad := []struct {
		name string
		c    store.Claim
	}{
		{"no owner", store.Claim{Receiver: "d", Now: now, Lease: lease, Limit: 1}},
		{"no lease", store.Claim{Receiver: "d", Owner: "w1", Now: now, Limit: 1}},
		{"negative lease", store.Claim{Receiver: "d", Owner: "w1", Now: now, Lease: -lease, Limit: 1}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			items, err := s.ClaimOutbox(t.Context(), tt.c)
			require.Error(t, err)
			require.Empty(t, items)
		})
	}
	require.Len(t, claim(t, s, "d", "w1", now, 10), 1, "a rejected claim leases nothing")
}

func testClaimNotDue(t *testing.T, s store.Store, clk *clock) {
	now := clk.Now()
	ids := enqueue(t, s, "a", 0, 2, now.Add(time.Hour))
	require.Empty(t, claim(t, s, "a", "w1", now, 10), "rows due later are not claimed")
	require.Empty(t, claim(t, s, "a", "w1", now.Add(time.Hour-time.Millisecond), 10))
	require.Equal(t, ids, itemIDs(claim(t, s, "a", "w1", now.Add(time.Hour), 10)), "due at next_at")
}

func testLeaseExpiry(t *testing.T, s store.Store, clk *clock) {
	now := clk.Now()
	ids := enqueue(t, s, "a", 0, 3, now)
	require.Equal(t, ids, itemIDs(claim(t, s, "a", "crashed", now, 10)))
	require.Empty(t, claim(t, s, "a", "w2", now.Add(lease-time.Millisecond), 10), "leased rows are not claimed")
	require.Equal(t, ids, itemIDs(claim(t, s, "a", "w2", now.Add(lease), 10)), "an ended lease frees the rows")

	later := now.Add(lease)
	require.NoError(t, s.ReleaseOutbox(t.Context(), ids[:1]))
	require.Equal(t, ids[:1], itemIDs(claim(t, s, "a", "w3", later, 10)), "a released row is claimable at once")
	for _, it := range outboxOf(t, s, clueID(0)) {
		require.Zero(t, it.Attempts, "claims and releases count no attempt")
	}
}

func testConcurrentClaims(t *testing.T, s store.Store, clk *clock) {
	const rows, workers, limit = 200, 8, 7
	now := clk.Now()
	ConcurrentClaims(t, []store.Store{s}, "a", now, enqueue(t, s, "a", 0, rows, now), workers, limit)
}

// ConcurrentClaims checks that workers goroutines, spread over stores
// (several stores on one database, as several instances), claiming up to
// limit rows of receiver at now at once until none are left, claim each of
// want, the due rows' ids in order, exactly once.
func ConcurrentClaims(t *testing.T, stores []store.Store, receiver string, now time.Time, want []int64,
	workers, limit int) {
	t.Helper()
	claimed := make([][]int64, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for g := range workers {
		s := stores[g%len(stores)]
		wg.Go(func() {
			for range want { // a bound, should claims hand out rows again and again
				items, err := s.ClaimOutbox(context.Background(), store.Claim{Receiver: receiver,
					Owner: fmt.Sprintf("w%d", g), Now: now, Lease: lease, Limit: limit})
				if err != nil || len(items) == 0 {
					errs[g] = err
					return
				}
				claimed[g] = append(claimed[g], itemIDs(items)...)
			}
		})
	}
	wg.Wait()

	var all []int64
	for g := range workers {
		require.NoError(t, errs[g], "worker %d", g)
		all = append(all, claimed[g]...)
	}
	slices.Sort(all)
	require.Equal(t, want, all, "every row claimed exactly once")
}

// RouteAll stores n clues (BenchClues) and routes each at at to every
// receiver, one outbox row per receiver, and returns the outbox ids in
// order: the rows backends' own tests claim.
func RouteAll(t *testing.T, s store.Store, n int, at time.Time, receivers ...string) []int64 {
	t.Helper()
	clues := BenchClues(0, n, 3)
	_, err := s.UpsertClues(t.Context(), clues)
	require.NoError(t, err)
	var ids []int64
	for _, c := range clues {
		saved, err := s.SaveRouting(t.Context(), store.Routing{ClueID: c.ID, RoutedAt: at,
			Results: []store.RouteResult{{Route: "r", Receivers: receivers}}})
		require.NoError(t, err)
		require.True(t, saved)
		ids = append(ids, itemIDs(outboxOf(t, s, c.ID))...)
	}
	slices.Sort(ids)
	return ids
}
