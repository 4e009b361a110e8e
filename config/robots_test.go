package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRobotWarnings: a robot that cannot work as configured is warned
// about at the line of its key, without the secret or the webhook's key or
// token; a robot as its platform's page shows it is not.
func TestRobotWarnings(t *testing.T) {
	for _, tc := range []struct {
		name, receiver string
		want           []string
	}{
		{"dingtalk secret without SEC", "type: dingtalk\n    url: https://oapi.dingtalk.com/robot/send?access_token=tok-9f3\n    secret: b90923e19e58sekrit",
			[]string{"c.yaml:5: warning: receivers.r.secret: does not start with SEC: a DingTalk signing secret (加签) is the whole " +
				"string the robot's page shows, SEC included; with another, every message is refused (sign not match)"}},
		{"wecom url without key=", "type: wecom\n    url: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?tok=k3y-9f3",
			[]string{"c.yaml:4: warning: receivers.r.url: has no key=: a WeCom robot's webhook is https://qyapi.weixin.qq.com/" +
				"cgi-bin/webhook/send?key=KEY, as the robot's page shows it; without the key every message is refused"}},
		{"feishu v1 hook", "type: feishu\n    url: https://open.feishu.cn/open-apis/bot/hook/k3y-9f3",
			[]string{"c.yaml:4: warning: receivers.r.url: is an old v1 hook (/open-apis/bot/hook/), which does not take the " +
				"messages cluebot sends: copy the bot's v2 webhook (/open-apis/bot/v2/hook/) from the group's bot settings"}},
		{"dingtalk with SEC", "type: dingtalk\n    url: https://oapi.dingtalk.com/robot/send?access_token=tok-9f3\n    secret: SECb909", nil},
		{"dingtalk without secret", "type: dingtalk\n    url: https://oapi.dingtalk.com/robot/send?access_token=tok-9f3", nil},
		{"wecom with key=", "type: wecom\n    url: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k3y-9f3", nil},
		{"feishu v2 hook", "type: feishu\n    url: https://open.feishu.cn/open-apis/bot/v2/hook/k3y-9f3\n    secret: anything", nil},
		{"plain webhook", "type: webhook\n    url: http://127.0.0.1:9000/open-apis/bot/hook/x", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse("c.yaml", []byte("receivers:\n  r:\n    "+tc.receiver+"\n"), lookupFrom(nil), nil)
			require.NoError(t, err)
			require.Equal(t, tc.want, cfg.Warnings())
			for _, w := range cfg.Warnings() {
				require.NotContains(t, w, "sekrit")
				require.NotContains(t, w, "k3y-9f3")
				require.NotContains(t, w, "tok-9f3")
			}
		})
	}
}
