package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// TestAccountNamesEverywhere: alerts (dispatch.Leads), the daily report and
// exports (ReportOptions) and the silent-account notice name an account by
// its YAML name, then kuaishou.account_names, then an imported name.
func TestAccountNamesEverywhere(t *testing.T) {
	hook := &opsHook{}
	a := newOpsAppWith(t, "http://127.0.0.1:9", hook, "  account_names:\n    30000001: 不该用\n    30000002: 洛阳奥迪\n")
	ctx := context.Background()
	require.NoError(t, a.Store.SetAccountNames(ctx, map[int64]string{30000002: "不该用", 30000003: "南阳大众"}))

	want := map[int64]string{30000001: "郑州宝马", 30000002: "洛阳奥迪", 30000003: "南阳大众"}
	for id, name := range want {
		lead, err := a.Leads.Lead(&store.Clue{ID: "c", AdvertiserID: id, Raw: []byte(`{"id": 7}`)})
		require.NoError(t, err)
		require.Equal(t, name, lead.AccountName, "the alert of advertiser %d", id)
	}
	require.Equal(t, want, a.ReportOptions().AccountNames)

	now := time.Now().Truncate(time.Second)
	require.NoError(t, a.Store.SaveSyncState(ctx, store.SyncState{AdvertiserID: 30000001, SyncedTo: now,
		LastRunAt: now, LastSuccessAt: now}))
	_, err := a.Store.UpsertClues(ctx, []store.Clue{{ID: "c1", AdvertiserID: 30000001,
		CreateTime: now.Add(-80 * time.Hour), UpdateTime: now.Add(-80 * time.Hour), Raw: []byte("{}")}})
	require.NoError(t, err)
	n, err := a.CheckSilent(ctx, now)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Contains(t, hook.notices[0].Lines[0], "郑州宝马(30000001)：最后一条线索在")
}
