package robots_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/sim/robots"
)

func TestRender(t *testing.T) {
	s, base := start(t, nil, robots.Options{})
	s.AddMembers(robots.SampleMembers...)
	tests := []struct {
		name string
		url  string
		id   string
		body any
		want string
	}{
		{name: "dingtalk markdown with @mobile", url: base + s.AddDingTalk("d", "", ""), id: "d",
			body: map[string]any{"msgtype": "markdown", "markdown": map[string]any{"title": "新线索 王", "text": "### 新线索\n\n**电话**：155****8917\n\n> 引用\n\n- [落地页](https://x)\n\n跟进：@13800000001"},
				"at": map[string]any{"atMobiles": []any{"13800000001"}}},
			want: "┌─ 钉钉 · 新线索 王\n│ 新线索\n│ 电话：155****8917\n│ 引用\n│ • 落地页<https://x>\n│ 跟进：@张三\n└─\n"},
		{name: "wecom markdown with <@userid>", url: base + s.AddWeCom("w"), id: "w",
			body: weComMsg("markdown", "<font color=\"warning\">**新线索**</font> 王\n> 城市：&lt;郑州&gt;\n跟进：<@wangwu>"),
			want: "┌─ 企业微信\n│ 新线索 王\n│ 城市：<郑州>\n│ 跟进：@王五\n└─\n"},
		{name: "wecom text with mobiles", url: base + s.AddWeCom("wt"), id: "wt",
			body: map[string]any{"msgtype": "text", "text": map[string]any{"content": "新线索 **王**", "mentioned_mobile_list": []any{"13800000002", "139"}}},
			want: "┌─ 企业微信\n│ 新线索 王\n│ @李四 @139\n└─\n"},
		{name: "feishu card with <at>", url: base + s.AddFeishu("f", "", ""), id: "f",
			body: card("新线索 王", "**电话**：155&#42;&#42;&#42;&#42;8917\n<font color='grey'>路由</font>\n跟进：<at id=ou_9b2c8f0a1e3d4c5b6a7f8e9d0c1b2a3f></at>"),
			want: "┌─ 飞书 · 新线索 王\n│ 电话：155****8917\n│ 路由\n│ 跟进：@赵敏\n└─\n"},
		{name: "webhook as indented JSON", url: base + s.AddWebhook("h", ""), id: "h",
			body: map[string]any{"kind": "lead"},
			want: "┌─ webhook\n│ {\n│   \"kind\": \"lead\"\n│ }\n└─\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, tc.url, tc.body, nil)
			require.Equal(t, 0, max(r.code(), 0), r.Raw)
			msgs := s.Messages(tc.id)
			require.Len(t, msgs, 1)
			require.Equal(t, tc.want, s.Render(msgs[0]))
		})
	}
}

func TestSampleLeads(t *testing.T) {
	l := robots.SampleLead()
	require.Equal(t, "197451604008536386", l.ID)
	require.Equal(t, "旧表单打点1", l.UserName)
	require.Equal(t, "郑州", l.City)
	require.Equal(t, "哈登店", l.Store)
	require.Equal(t, "2021-03-07 16:10:49", l.CreateTime.Format("2006-01-02 15:04:05"))
	require.Equal(t, robots.Hostile, robots.HostileLead().UserName)
	huge := robots.HugeLead(10, 300)
	require.Len(t, huge.Answers, 13)
	require.GreaterOrEqual(t, len(huge.Answers[12].Value), 285)
}
