package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/sim/robots"
	"github.com/cluebot/cluebot/store/sqlite"
)

// TestOnceTrialHundredKBLead: a lead with a 100 KB form answer goes through
// `cluebot once` as its own process: pulled, stored byte for byte, and
// alerted, whole to a webhook and within the limit to a DingTalk robot.
func TestOnceTrialHundredKBLead(t *testing.T) {
	tr := newTrial(t, 0, 1)
	rb := robots.New(robots.Options{Seed: 1})
	rbSrv := httptest.NewServer(rb)
	t.Cleanup(rbSrv.Close)
	cfg, err := os.ReadFile(tr.cfgPath)
	require.NoError(t, err)
	cfg = fmt.Appendf(cfg, "receivers:\n  hook: {type: webhook, url: %q}\n  ding: {type: dingtalk, url: %q}\n",
		rbSrv.URL+rb.AddWebhook("hook", ""), rbSrv.URL+rb.AddDingTalk("dingtok-100kb", "", ""))
	require.NoError(t, os.WriteFile(tr.cfgPath, cfg, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(tr.dir, "rules.yaml"), []byte("routes:\n  - name: all\n    receivers: [hook, ding]\n"), 0o600))

	message := strings.Repeat("想了解这款车的价格和试驾安排，", 100<<10/45+1) // 100 KB, no digits to mask
	require.GreaterOrEqual(t, len(message), 100<<10)
	created := time.Now().Add(-time.Minute).In(time.FixedZone("CST", 8*3600)).Format(time.DateTime)
	const id = "1974516040085363860123"
	tr.sim.Add(30000001, map[string]any{"id": json.Number(id), "user_name": "王先生", "phone": "13800138000",
		"page_name": "试驾预约", "create_time": created, "update_time": created, "source_type": 1,
		"details": []map[string]any{{"key": "留言", "value": message, "comp_type": "多行文本"}}})
	raw, ok := tr.sim.Get(id)
	require.True(t, ok)

	code, out, errs := tr.runProcess(t, "once")
	require.Equal(t, 0, code, "%s\n%s", out, errs)
	require.Contains(t, out, "pulled 1 new clues")
	require.Contains(t, out, "delivered 2 alerts")
	tr.noSecrets(t, out, errs)

	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(tr.dir, "data", "cluebot.db"), sqlite.Options{})
	require.NoError(t, err)
	defer st.Close()
	c, err := st.Clue(ctx, id)
	require.NoError(t, err)
	var stored map[string]any
	require.NoError(t, json.Unmarshal(c.Raw, &stored))
	require.Equal(t, message, stored["details"].([]any)[0].(map[string]any)["value"], "stored intact")
	want, err := json.Marshal(raw)
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(c.Raw))

	hook := rb.Messages("hook")
	require.Len(t, hook, 1)
	lead := hook[0].Body["alerts"].([]any)[0].(map[string]any)["lead"].(map[string]any)
	require.Equal(t, id, lead["id"])
	require.Equal(t, message, lead["form"].(map[string]any)["留言"], "alerted intact to the webhook")
	ding := rb.Messages("dingtok-100kb")
	require.Len(t, ding, 1, "the chat robot takes the lead, cut to its limit")
	require.Contains(t, string(ding[0].Raw), "王先生")
}
