package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/sqlite"
)

// TestNamer: a YAML account's name, then kuaishou.account_names, then an
// imported name; imports read again once store.NamesTTL has passed; a
// store that fails leaves the last names and says so.
func TestNamer(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "n.db"), sqlite.Options{})
	require.NoError(t, err)
	require.NoError(t, st.SetAccountNames(ctx, map[int64]string{1: "导入一", 2: "导入二", 3: "导入三"}))
	at := time.Date(2026, 3, 9, 15, 0, 0, 0, time.UTC)
	n := store.NewNamer(map[int64]string{1: "YAML 一", 4: ""}, map[int64]string{1: "列表一", 2: "列表二", 4: "列表四"},
		st, func() time.Time { return at })

	got, err := n.Names(ctx)
	require.NoError(t, err)
	require.Equal(t, map[int64]string{1: "YAML 一", 2: "列表二", 3: "导入三", 4: "列表四"}, got,
		"an empty YAML name leaves the account to the next source")
	require.Equal(t, "列表二(2)", store.Label(got, 2))
	require.Equal(t, "5", store.Label(got, 5), "no name: the id")

	require.NoError(t, st.SetAccountNames(ctx, map[int64]string{5: "导入五"}))
	got, err = n.Names(ctx)
	require.NoError(t, err)
	require.NotContains(t, got, int64(5), "cached within the TTL")
	at = at.Add(store.NamesTTL)
	got, err = n.Names(ctx)
	require.NoError(t, err)
	require.Equal(t, "导入五", got[5])

	require.NoError(t, st.Close())
	at = at.Add(store.NamesTTL)
	got, err = n.Names(ctx)
	require.ErrorContains(t, err, "read the imported account names")
	require.Equal(t, "导入五", got[5], "the last good names")

	got, err = store.NewNamer(nil, map[int64]string{2: "列表二"}, nil, nil).Names(ctx)
	require.NoError(t, err)
	require.Equal(t, map[int64]string{2: "列表二"}, got, "no store: cluebot.yaml's names")
}

// BenchmarkNamerRead reads 10,000 imported names from SQLite, as a Namer
// does once per store.NamesTTL.
func BenchmarkNamerRead(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "n.db"), sqlite.Options{})
	require.NoError(b, err)
	defer st.Close()
	names := make(map[int64]string, 10_000)
	for i := range 10_000 {
		names[int64(40_000_000+i)] = "账户名称"
	}
	require.NoError(b, st.SetAccountNames(ctx, names))
	at := time.Now()
	n := store.NewNamer(nil, map[int64]string{40_000_001: "列表"}, st, func() time.Time { return at })
	for b.Loop() {
		at = at.Add(store.NamesTTL) // every call reads the store again
		got, err := n.Names(ctx)
		require.NoError(b, err)
		require.Len(b, got, 10_000)
	}
}
