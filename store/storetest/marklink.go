package storetest

import (
	"bytes"
	"sync"
	"testing"

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
