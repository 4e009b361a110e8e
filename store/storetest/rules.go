package storetest

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

func rulesHistory(t *testing.T, s store.Store) store.RulesHistory {
	t.Helper()
	h, ok := s.(store.RulesHistory)
	require.True(t, ok, "%T must implement store.RulesHistory", s)
	return h
}

// testRulesVersions pins down the rules history: ids increase, the newest
// version is in force, a version follows the one its writer saw or is
// refused, texts round-trip byte for byte, and the file hash last seen is
// one value, replaced.
func testRulesVersions(t *testing.T, s store.Store, clk *clock) {
	h, ctx := rulesHistory(t, s), t.Context()
	_, err := h.RulesInForce(ctx)
	require.ErrorIs(t, err, store.ErrNotFound)
	list, err := h.RulesVersions(ctx, 0)
	require.NoError(t, err)
	require.Empty(t, list)
	seen, err := h.RulesFileSeen(ctx)
	require.NoError(t, err)
	require.Empty(t, seen)

	_, err = h.AddRulesVersion(ctx, store.RulesVersion{Text: "routes: []\n", At: clk.Now()}, "")
	require.Error(t, err, "no author")
	_, err = h.AddRulesVersion(ctx, store.RulesVersion{Text: "routes: []\n", Author: "file"}, "")
	require.Error(t, err, "no time")

	text1 := "routes:\n  - name: henan\n    receivers: [henan-sales] # 河南 🚗\n"
	at1 := clk.Now().In(vendorZone)
	id1, err := h.AddRulesVersion(ctx, store.RulesVersion{Author: store.AuthorFile, At: at1, Text: text1}, "")
	require.NoError(t, err)
	_, err = h.AddRulesVersion(ctx, store.RulesVersion{Author: "admin", At: at1, Text: "x"}, "")
	require.ErrorIs(t, err, store.ErrRulesConflict, "a version after none, when one exists")
	text2 := text1 + "  - name: everything-else\n    receivers: [managers]\n"
	at2 := clk.Advance(time.Minute)
	id2, err := h.AddRulesVersion(ctx, store.RulesVersion{Author: "王经理", Comment: "洛阳 has its own dealer", At: at2, Text: text2}, id1)
	require.NoError(t, err)
	require.NotEqual(t, id1, id2)
	_, err = h.AddRulesVersion(ctx, store.RulesVersion{Author: "admin", At: at2, Text: "y"}, id1)
	require.ErrorIs(t, err, store.ErrRulesConflict, "a version after one that is no longer the newest")

	v1 := store.RulesVersion{ID: id1, Author: store.AuthorFile, At: at1.UTC().Truncate(time.Millisecond), Hash: store.RulesHash(text1)}
	v2 := store.RulesVersion{ID: id2, Author: "王经理", Comment: "洛阳 has its own dealer", At: at2.UTC().Truncate(time.Millisecond), Hash: store.RulesHash(text2)}
	list, err = h.RulesVersions(ctx, 0)
	require.NoError(t, err)
	require.Equal(t, []store.RulesVersion{v2, v1}, utcVersions(list), "newest first, without text")
	list, err = h.RulesVersions(ctx, 1)
	require.NoError(t, err)
	require.Equal(t, []store.RulesVersion{v2}, utcVersions(list))

	got, err := h.RulesVersion(ctx, id1)
	require.NoError(t, err)
	v1.Text = text1
	require.Equal(t, v1, utcVersions([]store.RulesVersion{got})[0])
	got, err = h.RulesInForce(ctx)
	require.NoError(t, err)
	v2.Text = text2
	require.Equal(t, v2, utcVersions([]store.RulesVersion{got})[0], "the newest is in force")
	for _, id := range []string{"9999", "abc", ""} {
		_, err = h.RulesVersion(ctx, id)
		require.ErrorIs(t, err, store.ErrNotFound, "id %q", id)
	}

	require.NoError(t, h.SetRulesFileSeen(ctx, store.RulesHash(text1)))
	require.NoError(t, h.SetRulesFileSeen(ctx, store.RulesHash(text2)))
	seen, err = h.RulesFileSeen(ctx)
	require.NoError(t, err)
	require.Equal(t, store.RulesHash(text2), seen)
}

// testConcurrentRulesVersions: of writers adding after the same version,
// exactly one succeeds.
func testConcurrentRulesVersions(t *testing.T, s store.Store, clk *clock) {
	h, ctx := rulesHistory(t, s), t.Context()
	id, err := h.AddRulesVersion(ctx, store.RulesVersion{Author: store.AuthorFile, At: clk.Now(), Text: "a"}, "")
	require.NoError(t, err)
	var ok, conflicts atomic.Int32
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := h.AddRulesVersion(ctx, store.RulesVersion{Author: "admin", At: clk.Now(), Text: string(rune('b' + i))}, id)
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, store.ErrRulesConflict):
				conflicts.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	require.Equal(t, int32(1), ok.Load())
	require.Equal(t, int32(7), conflicts.Load())
	list, err := h.RulesVersions(ctx, 0)
	require.NoError(t, err)
	require.Len(t, list, 2)
}

func utcVersions(vs []store.RulesVersion) []store.RulesVersion {
	out := make([]store.RulesVersion, len(vs))
	for i, v := range vs {
		v.At = v.At.UTC()
		out[i] = v
	}
	return out
}
