package postgres

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/storetest"
)

// TestSendSlotsAcrossInstances has senders on three stores race for one
// robot's budget: together they never take more than it allows.
func TestSendSlotsAcrossInstances(t *testing.T) {
	const budget, senders, tries = 20, 9, 6
	stores := instances(t, 3)
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var taken atomic.Int32
	errs := make([]error, senders)
	var wg sync.WaitGroup
	for g := range senders {
		s := stores[g%len(stores)]
		wg.Go(func() {
			for i := range tries {
				ok, _, err := s.TakeSendSlot(context.Background(), "ding", now.Add(time.Duration(i)*time.Millisecond), []store.SendLimit{{Max: budget, Per: time.Minute}})
				if err != nil {
					errs[g] = err
					return
				}
				if ok {
					taken.Add(1)
				}
			}
		})
	}
	wg.Wait()
	for g, err := range errs {
		require.NoError(t, err, "sender %d", g)
	}
	require.Equal(t, int32(budget), taken.Load(), "the budget is shared, not per instance")
	free, err := stores[0].SendSlotsFree(t.Context(), "ding", now.Add(time.Second), []store.SendLimit{{Max: budget, Per: time.Minute}})
	require.NoError(t, err)
	require.Zero(t, free)
}

// TestSendLogPruned checks that the send log keeps no more than two windows
// of a receiver's sends.
func TestSendLogPruned(t *testing.T) {
	s := openTest(t)
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range 5 {
		ok, _, err := s.TakeSendSlot(t.Context(), "ding", now.Add(time.Duration(i)*time.Minute), []store.SendLimit{{Max: 20, Per: time.Minute}})
		require.NoError(t, err)
		require.True(t, ok)
	}
	var rows int
	require.NoError(t, s.pool.QueryRow(t.Context(), `SELECT count(*) FROM send_log`).Scan(&rows))
	require.Equal(t, 2, rows, "the sends of the last two minutes")
}

// TestRetentionKeepsTheRest checks that deleting old clues takes their
// history and alerts and leaves the newer clues, and their counts, alone.
func TestRetentionKeepsTheRest(t *testing.T) {
	s := openTest(t)
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	ids := routeAll(t, s, 4, at, "a", "b") // created a second apart from midnight
	require.NoError(t, s.MarkSent(t.Context(), ids[len(ids)-1:], at))
	clues := storetest.BenchClues(0, 4, 4) // a tracked change: one history row each
	_, err := s.UpsertClues(t.Context(), clues)
	require.NoError(t, err)

	n, err := s.DeleteCluesBefore(t.Context(), clues[2].CreateTime)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	var history, outbox int
	require.NoError(t, s.pool.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM clue_history),
		(SELECT count(*) FROM outbox)`).Scan(&history, &outbox))
	require.Equal(t, []int{2, 4}, []int{history, outbox}, "the old clues' history and alerts went with them")
	c, err := s.Clue(t.Context(), clues[3].ID)
	require.NoError(t, err)
	require.Equal(t, []int{1, 1, 0}, []int{c.Sent, c.Pending, c.Dead})
	n, err = s.DeleteCluesBefore(t.Context(), clues[2].CreateTime)
	require.NoError(t, err)
	require.Zero(t, n, "nothing left to delete")
	_, err = s.Clue(t.Context(), clues[1].ID)
	require.ErrorIs(t, err, store.ErrNotFound)
}
