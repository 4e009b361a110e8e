package app_test

import (
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
