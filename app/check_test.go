package app_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/route"
)

// TestMentionWarnings: a round-robin member that a route's chat receiver
// cannot @ is warned about at the member's line, once per platform; a
// member each platform can @, and a plain webhook (which @s no one), are not.
func TestMentionWarnings(t *testing.T) {
	cfg := &config.Config{Receivers: map[string]notify.ReceiverConfig{
		"ding": {Type: "dingtalk"}, "ding2": {Type: "dingtalk"}, "wecom": {Type: "wecom"},
		"feishu": {Type: "feishu"}, "hook": {Type: "webhook"},
	}}
	rules := func(receivers, member string) string {
		return "routes:\n  - name: r\n    receivers: [" + receivers + "]\n    mention:\n      round_robin:\n" +
			"        - {name: 张三, mobile: \"13800000001\", wecom_userid: zhangsan, feishu_open_id: ou_1}\n" +
			"        - " + member + "\n"
	}
	for _, tc := range []struct {
		name, receivers, member string
		want                    []string
	}{
		{"name only, dingtalk twice: one warning", "ding, ding2", "{name: 李四}", []string{
			`rules.yaml:7: warning: round_robin member "李四" of route "r" has nothing dingtalk receiver "ding" can @ ` +
				`(give mobile): the alert names them but does not notify them`}},
		{"feishu needs an open_id", "feishu", `{name: 李四, mobile: "13800000002"}`, []string{
			`rules.yaml:7: warning: round_robin member "李四" of route "r" has nothing feishu receiver "feishu" can @ ` +
				`(give feishu_open_id): the alert names them but does not notify them`}},
		{"each platform that cannot", "wecom, feishu, ding", "{name: 李四}", []string{
			`rules.yaml:7: warning: round_robin member "李四" of route "r" has nothing wecom receiver "wecom" can @ ` +
				`(give wecom_userid or mobile): the alert names them but does not notify them`,
			`rules.yaml:7: warning: round_robin member "李四" of route "r" has nothing feishu receiver "feishu" can @ ` +
				`(give feishu_open_id): the alert names them but does not notify them`,
			`rules.yaml:7: warning: round_robin member "李四" of route "r" has nothing dingtalk receiver "ding" can @ ` +
				`(give mobile): the alert names them but does not notify them`}},
		{"wecom by mobile", "wecom", `{name: 李四, mobile: "13800000002"}`, nil},
		{"wecom by userid", "wecom", "{name: 李四, wecom_userid: lisi}", nil},
		{"dingtalk by mobile", "ding", `{name: 李四, mobile: "13800000002"}`, nil},
		{"feishu by open_id", "feishu", "{name: 李四, feishu_open_id: ou_2}", nil},
		{"a plain webhook @s no one", "hook", "{name: 李四}", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := route.Parse("rules.yaml", []byte(rules(tc.receivers, tc.member)))
			require.NoError(t, err)
			require.Equal(t, tc.want, app.MentionWarnings(cfg, r))
		})
	}
}

// TestRulesInForceLogTheirWarnings: rules put in force, at start and by a
// reload, log what config check warns of in them, once per change.
func TestRulesInForceLogTheirWarnings(t *testing.T) {
	dir := t.TempDir()
	rules := func(member string) string {
		return "routes:\n  - name: r\n    receivers: [ding]\n    mention:\n      round_robin:\n        - " + member + "\n"
	}
	write(t, dir, "rules.yaml", rules("{name: 李四}"))
	yaml := `timezone: Asia/Shanghai
store:
  dsn: data/cluebot.db
receivers:
  ding: {type: dingtalk, url: "http://127.0.0.1:9/robot/send?access_token=t"}
rules: rules.yaml
`
	cfg, err := config.Parse(filepath.Join(dir, "cluebot.yaml"), []byte(yaml), func(string) (string, bool) { return "", false }, nil)
	require.NoError(t, err)
	var logs bytes.Buffer
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(&logs, nil)), app.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, a.Close()) })
	require.Equal(t, 1, strings.Count(logs.String(), `round_robin member \"李四\"`), logs.String())
	require.Contains(t, logs.String(), "level=WARN")
	require.Contains(t, logs.String(), "rules.yaml:6: warning:")

	logs.Reset()
	write(t, dir, "rules.yaml", rules(`{name: 李四, mobile: "13800000002"}`))
	rulesErr, _ := a.Reload(true, false)
	require.NoError(t, rulesErr)
	require.NotContains(t, logs.String(), "round_robin member", "fixed: nothing to say")
}
