package storetest

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// testMarkLinkKey pins down the mark-link key: the first candidate stored
// is the key for good, racing instances all get that one, and a candidate
// of the wrong size is refused.
func testMarkLinkKey(t *testing.T, s store.Store, _ *clock) {
	m, ok := s.(store.MarkLinks)
	require.True(t, ok, "%T must implement store.MarkLinks", s)
	ctx := t.Context()
	_, err := m.MarkLinkKey(ctx, []byte("short"))
	require.Error(t, err)

	keys := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := bytes.Repeat([]byte{byte(i + 1)}, store.MarkLinkKeySize)
			k, err := m.MarkLinkKey(ctx, c)
			if err == nil {
				keys[i] = k
			}
		}()
	}
	wg.Wait()
	for _, k := range keys {
		require.Len(t, k, store.MarkLinkKeySize)
		require.Equal(t, keys[0], k, "every instance gets the first key stored")
	}
	again, err := m.MarkLinkKey(ctx, bytes.Repeat([]byte{0xff}, store.MarkLinkKeySize))
	require.NoError(t, err)
	require.Equal(t, keys[0], again)
}

// testWriteBacks pins down the write-back queue: every mark is due at once,
// a done one is not again, a pending one is due at its NextAt with its
// attempts, a failed one never, and a later mark starts a new write-back
// from 0 attempts.
func testWriteBacks(t *testing.T, s store.Store, clk *clock) {
	wb, ok := s.(store.WriteBacks)
	require.True(t, ok, "%T must implement store.WriteBacks", s)
	ctx := t.Context()
	upsert(t, s, store.UpsertStats{Inserted: 3}, sampleClue(clueID(1), 11, clk.Now()),
		sampleClue(clueID(2), 12, clk.Now()), sampleClue(clueID(3), 13, clk.Now()))
	due, err := wb.DueWriteBacks(ctx, clk.Now(), 10)
	require.NoError(t, err)
	require.Empty(t, due)
	_, err = wb.WriteBackOf(ctx, clueID(1))
	require.ErrorIs(t, err, store.ErrNotFound)

	at1 := clk.Advance(time.Second)
	require.NoError(t, s.SetMark(ctx, store.Mark{ClueID: clueID(1), Status: store.MarkContacted, By: "a", At: at1}))
	at2 := clk.Advance(time.Second)
	require.NoError(t, s.SetMark(ctx, store.Mark{ClueID: clueID(2), Status: store.MarkInvalid, By: "b", At: at2}))
	at3 := clk.Advance(time.Second)
	require.NoError(t, s.SetMark(ctx, store.Mark{ClueID: clueID(3), Status: store.MarkInvalid, By: "c", At: at3}))
	due, err = wb.DueWriteBacks(ctx, clk.Now(), 10)
	require.NoError(t, err)
	require.Equal(t, []store.WriteBack{
		{ClueID: clueID(1), AdvertiserID: 11, Status: store.MarkContacted, MarkAt: at1, State: store.WriteBackPending},
		{ClueID: clueID(2), AdvertiserID: 12, Status: store.MarkInvalid, MarkAt: at2, State: store.WriteBackPending},
		{ClueID: clueID(3), AdvertiserID: 13, Status: store.MarkInvalid, MarkAt: at3, State: store.WriteBackPending},
	}, normalizeWriteBacks(due))
	due, err = wb.DueWriteBacks(ctx, clk.Now(), 1)
	require.NoError(t, err)
	require.Len(t, due, 1, "limit")

	done := due[0]
	done.State, done.Attempts = store.WriteBackDone, 1
	require.NoError(t, wb.RecordWriteBack(ctx, done))
	all, err := wb.DueWriteBacks(ctx, clk.Now(), 10)
	require.NoError(t, err)
	require.Len(t, all, 2)
	r := all[0]
	r.Attempts, r.NextAt, r.LastError = 1, clk.Now().Add(time.Minute), "kuaishou: 500"
	require.NoError(t, wb.RecordWriteBack(ctx, r))
	failed := all[1]
	failed.State, failed.Attempts, failed.LastError = store.WriteBackFailed, 1, "bad update"
	require.NoError(t, wb.RecordWriteBack(ctx, failed))
	due, err = wb.DueWriteBacks(ctx, clk.Now(), 10)
	require.NoError(t, err)
	require.Empty(t, due, "done, waiting and failed")

	clk.Advance(time.Minute)
	due, err = wb.DueWriteBacks(ctx, clk.Now(), 10)
	require.NoError(t, err)
	require.Len(t, due, 1)
	require.Equal(t, clueID(2), due[0].ClueID)
	require.Equal(t, 1, due[0].Attempts, "a retry keeps its attempts")
	got, err := wb.WriteBackOf(ctx, clueID(2))
	require.NoError(t, err)
	require.Equal(t, "kuaishou: 500", got.LastError)
	require.Equal(t, store.WriteBackPending, got.State)
	got, err = wb.WriteBackOf(ctx, clueID(3))
	require.NoError(t, err)
	require.Equal(t, store.WriteBackFailed, got.State)

	later := clk.Advance(time.Second)
	require.NoError(t, s.SetMark(ctx, store.Mark{ClueID: clueID(1), Status: store.MarkInvalid, By: "a", At: later}))
	due, err = wb.DueWriteBacks(ctx, clk.Now(), 10)
	require.NoError(t, err)
	require.Len(t, due, 2)
	require.Equal(t, store.WriteBack{ClueID: clueID(1), AdvertiserID: 11, Status: store.MarkInvalid, MarkAt: later,
		State: store.WriteBackPending}, normalizeWriteBacks(due[1:])[0], "a later mark is written again, from 0 attempts")
}

// normalizeWriteBacks puts times in UTC for comparing.
func normalizeWriteBacks(ws []store.WriteBack) []store.WriteBack {
	for i := range ws {
		ws[i].MarkAt, ws[i].NextAt = ws[i].MarkAt.UTC(), ws[i].NextAt.UTC()
		if ws[i].NextAt.Equal(time.Time{}) {
			ws[i].NextAt = time.Time{}
		}
	}
	return ws
}
