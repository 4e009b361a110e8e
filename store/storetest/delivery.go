package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// delivered is what the suite checks of an outbox row after a transition.
type delivered struct {
	State     string
	Attempts  int
	NextAt    time.Time
	LastError string
	SentAt    time.Time
}

// deliveredOf returns what the suite checks of it, with times in UTC.
func deliveredOf(it store.OutboxItem) delivered {
	return delivered{it.State, it.Attempts, it.NextAt.UTC(), it.LastError, it.SentAt.UTC()}
}

func testTransitions(t *testing.T, s store.Store, clk *clock) {
	now := clk.Now()
	retryAt, sentAt := now.Add(5*time.Minute), now.Add(6*time.Minute)
	type step func(ids []int64) error
	sent := func(ids []int64) error { return s.MarkSent(t.Context(), ids, sentAt) }
	retry := func(ids []int64) error { return s.MarkRetry(t.Context(), ids, retryAt, "http 502") }
	dead := func(ids []int64) error { return s.MarkDead(t.Context(), ids, "webhook gone") }
	release := func(ids []int64) error { return s.ReleaseOutbox(t.Context(), ids) }
	tests := []struct {
		name      string
		steps     []step
		want      delivered
		claimable time.Time // zero: never again
	}{
		{"sent", []step{sent}, delivered{store.OutboxSent, 1, now, "", sentAt}, time.Time{}},
		{"retry", []step{retry}, delivered{store.OutboxPending, 1, retryAt, "http 502", time.Time{}}, retryAt},
		{"retry twice", []step{retry, retry}, delivered{store.OutboxPending, 2, retryAt, "http 502", time.Time{}}, retryAt},
		{"retry then sent clears the error", []step{retry, sent}, delivered{store.OutboxSent, 2, retryAt, "", sentAt}, time.Time{}},
		{"dead counts its attempt", []step{dead}, delivered{store.OutboxDead, 1, now, "webhook gone", time.Time{}}, time.Time{}},
		{"retry then dead", []step{retry, dead}, delivered{store.OutboxDead, 2, retryAt, "webhook gone", time.Time{}}, time.Time{}},
		{"release", []step{release}, delivered{store.OutboxPending, 0, now, "", time.Time{}}, now},
		{"sent is final", []step{sent, retry, dead}, delivered{store.OutboxSent, 1, now, "", sentAt}, time.Time{}},
		{"dead is final", []step{dead, sent, retry}, delivered{store.OutboxDead, 1, now, "webhook gone", time.Time{}}, time.Time{}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			receiver := tt.name
			ids := enqueue(t, s, receiver, i, 1, now)
			require.Equal(t, ids, itemIDs(claim(t, s, receiver, "w1", now, 10)))
			for _, step := range tt.steps {
				require.NoError(t, step(ids))
			}
			items := outboxOf(t, s, clueID(i))
			require.Len(t, items, 1)
			require.Equal(t, tt.want, deliveredOf(items[0]))

			// Every transition ends the lease: the row is claimable as soon as
			// it is due, by anyone, unless it is no longer pending.
			if tt.claimable.IsZero() {
				require.Empty(t, claim(t, s, receiver, "w2", now.Add(24*time.Hour), 10))
				return
			}
			require.Empty(t, claim(t, s, receiver, "w2", tt.claimable.Add(-time.Millisecond), 10))
			require.Equal(t, ids, itemIDs(claim(t, s, receiver, "w2", tt.claimable, 10)))
		})
	}
}

func testMarkIDs(t *testing.T, s store.Store, clk *clock) {
	now := clk.Now()
	ids := enqueue(t, s, "a", 0, 3, now)
	claim(t, s, "a", "w1", now, 10)
	tests := []struct {
		name string
		mark func(ids []int64) error
	}{
		{"sent", func(ids []int64) error { return s.MarkSent(t.Context(), ids, now) }},
		{"retry", func(ids []int64) error { return s.MarkRetry(t.Context(), ids, now, "x") }},
		{"dead", func(ids []int64) error { return s.MarkDead(t.Context(), ids, "x") }},
		{"release", func(ids []int64) error { return s.ReleaseOutbox(t.Context(), ids) }},
	}
	before := [][]store.OutboxItem{outboxOf(t, s, clueID(0)), outboxOf(t, s, clueID(1)), outboxOf(t, s, clueID(2))}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, tt.mark(nil), "no ids is a no-op")
			require.NoError(t, tt.mark([]int64{}))
			require.NoError(t, tt.mark([]int64{ids[2] + 1000, -1}), "unknown ids are no error")
			for i := range before {
				require.Equal(t, before[i], outboxOf(t, s, clueID(i)), "nothing changed")
			}
		})
	}
	require.Empty(t, claim(t, s, "a", "w2", now, 10), "the rows are still leased")

	require.NoError(t, s.MarkSent(t.Context(), []int64{ids[0], ids[2], ids[2] + 1000}, now))
	for i, want := range []string{store.OutboxSent, store.OutboxPending, store.OutboxSent} {
		require.Equal(t, want, outboxOf(t, s, clueID(i))[0].State, "only the listed rows change")
	}
}

// requireStats checks OutboxStats at now.
func requireStats(t *testing.T, s store.Store, now time.Time, want store.OutboxStats) {
	t.Helper()
	got, err := s.OutboxStats(t.Context(), now)
	require.NoError(t, err)
	got.OldestPending, want.OldestPending = got.OldestPending.UTC(), want.OldestPending.UTC()
	require.Equal(t, want, got)
}

func testOutboxStats(t *testing.T, s store.Store, clk *clock) {
	now := clk.Now()
	requireStats(t, s, now, store.OutboxStats{})

	first := now.Add(-time.Hour)
	a := enqueue(t, s, "a", 0, 2, first)
	b := enqueue(t, s, "b", 2, 2, now)
	c := enqueue(t, s, "c", 4, 1, now.Add(time.Hour)) // not due yet: still pending
	requireStats(t, s, now, store.OutboxStats{Pending: 5, OldestPending: first})

	require.NoError(t, s.MarkSent(t.Context(), a[:1], now))
	require.NoError(t, s.MarkRetry(t.Context(), a[1:], now.Add(time.Minute), "http 502"))
	requireStats(t, s, now, store.OutboxStats{Pending: 4, OldestPending: first})

	require.NoError(t, s.MarkDead(t.Context(), a[1:], "webhook gone"))
	requireStats(t, s, now, store.OutboxStats{Pending: 3, Dead: 1, OldestPending: now})

	require.NoError(t, s.MarkSent(t.Context(), b, now))
	require.NoError(t, s.MarkDead(t.Context(), c, "receiver removed"))
	requireStats(t, s, now, store.OutboxStats{Dead: 2})
}

func testOutboxReceivers(t *testing.T, s store.Store, clk *clock) {
	now := clk.Now()
	receivers := func(at time.Time) []string {
		got, err := s.OutboxReceivers(t.Context(), at)
		require.NoError(t, err)
		return got
	}
	require.Empty(t, receivers(now))

	enqueue(t, s, "due", 0, 2, now)
	leased := enqueue(t, s, "leased", 2, 1, now)
	enqueue(t, s, "later", 3, 1, now.Add(time.Hour))
	sent := enqueue(t, s, "sent", 4, 1, now)
	dead := enqueue(t, s, "dead", 5, 1, now)
	retried := enqueue(t, s, "retried", 6, 1, now)
	require.ElementsMatch(t, []string{"due", "leased", "sent", "dead", "retried"}, receivers(now))

	require.Equal(t, leased, itemIDs(claim(t, s, "leased", "w1", now, 10)))
	require.NoError(t, s.MarkSent(t.Context(), sent, now))
	require.NoError(t, s.MarkDead(t.Context(), dead, "gone"))
	require.NoError(t, s.MarkRetry(t.Context(), retried, now.Add(2*time.Hour), "http 429"))
	tests := []struct {
		name string
		at   time.Time
		want []string
	}{
		{"now", now, []string{"due"}},
		{"lease ended", now.Add(lease), []string{"due", "leased"}},
		{"later is due", now.Add(time.Hour), []string{"due", "leased", "later"}},
		{"retry is due", now.Add(2 * time.Hour), []string{"due", "leased", "later", "retried"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ElementsMatch(t, tt.want, receivers(tt.at))
		})
	}
}
