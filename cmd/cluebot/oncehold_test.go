package main

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/sim/robots"
)

// TestOnceHoldsARobotThatRefusesItsConfig: a DingTalk robot whose secret is
// wrong (310000) gets one request from `cluebot once`, not one per queued
// lead, and none from the next run; the webhook next to it gets every lead.
// Both runs fail (exit 1), naming the receiver.
func TestOnceHoldsARobotThatRefusesItsConfig(t *testing.T) {
	tr := newTrial(t, 0, 1)
	rb := robots.New(robots.Options{Seed: 1})
	rbSrv := httptest.NewServer(rb)
	t.Cleanup(rbSrv.Close)
	cfg, err := os.ReadFile(tr.cfgPath)
	require.NoError(t, err)
	cfg = fmt.Appendf(cfg, "receivers:\n  hook: {type: webhook, url: %q}\n  ding: {type: dingtalk, url: %q, secret: SECwrong0123}\n",
		rbSrv.URL+rb.AddWebhook("hook", ""), rbSrv.URL+rb.AddDingTalk("dingtok-held", "SECright", ""))
	require.NoError(t, os.WriteFile(tr.cfgPath, cfg, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(tr.dir, "rules.yaml"), []byte("routes:\n  - name: all\n    receivers: [hook, ding]\n"), 0o600))
	tr.secrets = append(tr.secrets, "SECwrong0123")

	const leads = 8
	created := time.Now().Add(-time.Minute).In(time.FixedZone("CST", 8*3600)).Format(time.DateTime)
	for i := range leads {
		tr.sim.Add(30000001, map[string]any{"id": json.Number(fmt.Sprintf("19745160400853638%05d", i)), "user_name": fmt.Sprintf("客户%d", i),
			"phone": "13800138000", "page_name": "试驾预约", "create_time": created, "update_time": created, "source_type": 1})
	}
	refused := func() int {
		n := 0
		for _, f := range rb.Refusals() {
			if f.Robot == "dingtok-held" {
				n++
			}
		}
		return n
	}

	code, out, errs := tr.runProcess(t, "once")
	t.Logf("first run: %d requests refused for %d queued leads\n%s%s", refused(), leads, out, errs)
	require.Equal(t, 1, code, "%s\n%s", out, errs)
	require.Contains(t, out, "code 310000")
	require.Contains(t, errs, "ding refused their configuration")
	require.Equal(t, 1, refused(), "one request, not one per lead")
	require.Len(t, rb.Messages("hook"), leads, "the receiver next to it keeps delivering")
	tr.noSecrets(t, out, errs)

	code, out, errs = tr.runProcess(t, "once")
	require.Equal(t, 1, code, "%s\n%s", out, errs)
	require.Contains(t, out, "held")
	require.Equal(t, 1, refused(), "the next run leaves the robot alone")
	tr.noSecrets(t, out, errs)
}
