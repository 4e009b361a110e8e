package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/sqlite"
)

// TestForget: `cluebot forget --phone` erases the leads with that phone
// from the configured store and audits it without the number.
func TestForget(t *testing.T) {
	cfgPath, dir := writeTrial(t, checkConfig, "routes: [{name: x, receivers: [sales]}]\n", nil)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "data", "cluebot.db"), sqlite.Options{})
	require.NoError(t, err)
	at := time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC)
	clue := func(id, phone string) store.Clue {
		return store.Clue{ID: id, CreateTime: at, UpdateTime: at, UserName: "张三", Phone: phone, Raw: []byte(`{}`)}
	}
	_, err = st.UpsertClues(ctx, []store.Clue{clue("1", "13812345678"), clue("2", "13812345678"), clue("3", "13900001111")})
	require.NoError(t, err)
	require.NoError(t, st.Close())

	var out, errb bytes.Buffer
	require.Equal(t, 2, run(ctx, []string{"forget", "-c", cfgPath}, &out, &errb), "--phone is required")
	require.Equal(t, 0, run(ctx, []string{"forget", "-c", cfgPath, "--phone", "13812345678"}, &out, &errb), errb.String())
	require.Equal(t, "forgotten: 2 leads\n", out.String())
	require.NotContains(t, errb.String(), "13812345678")

	st, err = sqlite.Open(ctx, filepath.Join(dir, "data", "cluebot.db"), sqlite.Options{})
	require.NoError(t, err)
	defer st.Close()
	n, err := st.CountClues(ctx, store.ClueFilter{})
	require.NoError(t, err)
	require.Equal(t, 1, n)
	entries, err := st.Audit(ctx, 10, 0)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	require.Equal(t, "forget", entries[0].Action)
	require.Equal(t, "2 leads erased", entries[0].Detail)
	require.Contains(t, entries[0].User, "cli:")
}
