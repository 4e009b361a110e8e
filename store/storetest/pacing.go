package storetest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

func pacing(t *testing.T, s store.Store) store.Pacing {
	t.Helper()
	p, ok := s.(store.Pacing)
	require.True(t, ok, "%T must implement store.Pacing", s)
	return p
}

func testSendSlots(t *testing.T, s store.Store, clk *clock) {
	p, ctx, now := pacing(t, s), context.Background(), clk.Now()
	for i := 0; i < 3; i++ {
		ok, _, err := p.TakeSendSlot(ctx, "ding", now.Add(time.Duration(i)*10*time.Second), []store.SendLimit{{Max: 3, Per: time.Minute}})
		require.NoError(t, err)
		require.True(t, ok, "send %d", i)
	}
	free, err := p.SendSlotsFree(ctx, "ding", now.Add(25*time.Second), []store.SendLimit{{Max: 3, Per: time.Minute}})
	require.NoError(t, err)
	require.Zero(t, free)
	ok, next, err := p.TakeSendSlot(ctx, "ding", now.Add(25*time.Second), []store.SendLimit{{Max: 3, Per: time.Minute}})
	require.NoError(t, err)
	require.False(t, ok)
	require.True(t, next.Equal(now.Add(time.Minute)), "the first send leaves the window at %v, got %v", now.Add(time.Minute), next)
	free, err = p.SendSlotsFree(ctx, "other", now, []store.SendLimit{{Max: 3, Per: time.Minute}})
	require.NoError(t, err)
	require.Equal(t, 3, free, "budgets are per receiver")
	ok, _, err = p.TakeSendSlot(ctx, "ding", now.Add(61*time.Second), []store.SendLimit{{Max: 3, Per: time.Minute}})
	require.NoError(t, err)
	require.True(t, ok, "a slot frees as the window moves")

	// Per second.
	ok1, _, err := p.TakeSendSlot(ctx, "fs", now, []store.SendLimit{{Max: 1, Per: time.Second}})
	require.NoError(t, err)
	ok2, next, err := p.TakeSendSlot(ctx, "fs", now.Add(500*time.Millisecond), []store.SendLimit{{Max: 1, Per: time.Second}})
	require.NoError(t, err)
	require.True(t, ok1)
	require.False(t, ok2)
	require.True(t, next.Equal(now.Add(time.Second)))

	// Any span, every limit at once: the least room of them counts.
	lims := []store.SendLimit{{Max: 5, Per: 1500 * time.Millisecond}, {Max: 6, Per: time.Minute}}
	for i := range 5 {
		ok, _, err := p.TakeSendSlot(ctx, "lark", now.Add(time.Duration(i)*100*time.Millisecond), lims)
		require.NoError(t, err)
		require.True(t, ok, "send %d", i)
	}
	free, err = p.SendSlotsFree(ctx, "lark", now.Add(1200*time.Millisecond), lims)
	require.NoError(t, err)
	require.Zero(t, free, "5 within the last 1.5s, though only 2 within the last second")
	ok, next, err = p.TakeSendSlot(ctx, "lark", now.Add(1200*time.Millisecond), lims)
	require.NoError(t, err)
	require.False(t, ok)
	require.True(t, next.Equal(now.Add(1500*time.Millisecond)), "the first leaves the 1.5s window then, got %v", next)
	free, err = p.SendSlotsFree(ctx, "lark", now.Add(1500*time.Millisecond), lims)
	require.NoError(t, err)
	require.Equal(t, 1, free, "then the minute's sixth is the last")
	ok, _, err = p.TakeSendSlot(ctx, "lark", now.Add(1500*time.Millisecond), lims)
	require.NoError(t, err)
	require.True(t, ok)
	ok, next, err = p.TakeSendSlot(ctx, "lark", now.Add(3*time.Second), lims)
	require.NoError(t, err)
	require.False(t, ok, "the minute is full")
	require.True(t, next.Equal(now.Add(time.Minute)), "got %v", next)
}

func testPauseReceiver(t *testing.T, s store.Store, clk *clock) {
	p, ctx, now := pacing(t, s), context.Background(), clk.Now()
	require.NoError(t, p.PauseReceiver(ctx, "ding", now.Add(10*time.Minute)))
	require.NoError(t, p.PauseReceiver(ctx, "ding", now.Add(time.Minute)), "an earlier pause does not shorten it")
	ok, next, err := p.TakeSendSlot(ctx, "ding", now.Add(5*time.Minute), []store.SendLimit{{Max: 20, Per: time.Minute}})
	require.NoError(t, err)
	require.False(t, ok)
	require.True(t, next.Equal(now.Add(10*time.Minute)))
	ok, _, err = p.TakeSendSlot(ctx, "ding", now.Add(10*time.Minute), []store.SendLimit{{Max: 20, Per: time.Minute}})
	require.NoError(t, err)
	require.True(t, ok)
}

func testConcurrentSendSlots(t *testing.T, s store.Store, clk *clock) {
	p, ctx, now := pacing(t, s), context.Background(), clk.Now()
	var taken atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				ok, _, err := p.TakeSendSlot(ctx, "ding", now, []store.SendLimit{{Max: 20, Per: time.Minute}})
				if err == nil && ok {
					taken.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	require.Equal(t, int64(20), taken.Load(), "never more than the budget, however many senders race")
}

func testRetention(t *testing.T, s store.Store, clk *clock) {
	r, ok := s.(store.Retention)
	require.True(t, ok, "%T must implement store.Retention", s)
	ctx, base := context.Background(), time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC)
	var clues []store.Clue
	for i := 0; i < 10; i++ {
		clues = append(clues, sampleClue(clueID(i), 1, base.Add(time.Duration(i)*24*time.Hour)))
	}
	_, err := s.UpsertClues(ctx, clues)
	require.NoError(t, err)
	saved, err := s.SaveRouting(ctx, store.Routing{ClueID: clueID(1), RoutedAt: clk.Now(),
		Results: []store.RouteResult{{Route: "r", Receivers: []string{"x"}}}})
	require.NoError(t, err)
	require.True(t, saved)
	n, err := r.DeleteCluesBefore(ctx, base.Add(5*24*time.Hour))
	require.NoError(t, err)
	require.Equal(t, 5, n)
	left, err := s.CountClues(ctx, store.ClueFilter{})
	require.NoError(t, err)
	require.Equal(t, 5, left)
	_, err = s.Clue(ctx, clueID(1))
	require.ErrorIs(t, err, store.ErrNotFound)
	items, err := s.OutboxItems(ctx, clueID(1))
	require.NoError(t, err)
	require.Empty(t, items, "its outbox rows went with it")
}
