package demo

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/sqlite"
)

func TestDemoRunsTheWholePipeline(t *testing.T) {
	var out bytes.Buffer
	dir := t.TempDir()
	res, err := Run(context.Background(), Options{Dir: dir, Out: &out, Leads: 45})
	require.NoError(t, err, out.String())
	require.Equal(t, len(demoAccounts), res.Advertisers, "onboarded by the agency's authorization")
	require.Equal(t, 45, res.Leads)
	require.Equal(t, 45, res.Routed+res.Unrouted)
	require.Positive(t, res.Alerts)
	require.Positive(t, res.Received)
	require.Zero(t, res.Refused, "no robot refused a request")
	require.Len(t, res.Reports, 1)

	for _, p := range []string{res.Database, res.Config, res.Reports[0]} {
		fi, err := os.Stat(p)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), p)
	}
	f, err := excelize.OpenFile(res.Reports[0])
	require.NoError(t, err)
	defer f.Close()
	rows, err := f.GetRows("明细")
	require.NoError(t, err)
	require.Len(t, rows, 46, "a header and one row per lead")

	text := out.String()
	require.Contains(t, text, "cluebot auth url --agent")
	require.Contains(t, text, "已授权 3 个广告主，将从现在开始拉取线索")
	require.Contains(t, text, "授权 1 个代理商账户，发现 3 个广告主")
	cfg, err := os.ReadFile(res.Config)
	require.NoError(t, err)
	require.NotContains(t, string(cfg), "  accounts:", "no Kuaishou account or token in cluebot.yaml")
	require.NotContains(t, string(cfg), "refresh_token")
	require.NotContains(t, text, "auth_code=", "the code is not printed")
	require.Contains(t, text, "企业微信 WeCom")
	require.Contains(t, text, res.Reports[0])
	require.Contains(t, text, "demo --serve", "it says how to browse it")
	require.NotContains(t, text, appSecret)

	// One lead was marked through its link and the mark went back to the vendor.
	require.NotEmpty(t, res.MarkedBack)
	require.Contains(t, text, "标记回写: 线索 "+res.MarkedBack)
	require.Contains(t, text, "→ 已联系 (clue_mark/update ok: schedule_id 1, call_stat 3)")
	st, err := sqlite.Open(context.Background(), res.Database, sqlite.Options{})
	require.NoError(t, err)
	defer st.Close()
	marks, err := st.Marks(context.Background(), []string{res.MarkedBack})
	require.NoError(t, err)
	require.Equal(t, store.MarkContacted, marks[res.MarkedBack].Status)
	wb, err := st.WriteBackOf(context.Background(), res.MarkedBack)
	require.NoError(t, err)
	require.Equal(t, store.WriteBackDone, wb.State)
	require.Equal(t, 1, wb.Attempts)
	for _, r := range demoRobots {
		if r.secret != "" {
			require.NotContains(t, text, r.secret)
		}
	}
}
