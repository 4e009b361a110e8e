package wecom_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/notifytest"
	"github.com/cluebot/cluebot/notify/wecom"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/sim/robots"
)

func TestMarkdownWithUserID(t *testing.T) {
	s, n := setup(t, notify.ReceiverConfig{}, robots.Options{})
	retry, err := n.Notify(context.Background(), sample(nil))
	require.NoError(t, err)
	require.False(t, retry)
	b := decode(t, s.Messages("k3y-0123456789")[0].Raw)
	require.Equal(t, "markdown", b.MsgType)
	require.Contains(t, b.Markdown.Content, `<font color="warning">**新线索**</font> **旧表单打点1**`)
	require.Contains(t, b.Markdown.Content, "\n> 电话：155∗∗∗∗8917\n")
	require.Contains(t, b.Markdown.Content, "跟进：<@zhangsan>")
}

func TestMentions(t *testing.T) {
	tests := []struct {
		name    string
		members []route.Member
		msgType string
		content string
		mobiles []string
	}{
		{name: "userid: markdown", members: []route.Member{robots.SampleMembers[2]}, msgType: "markdown", content: "<@wangwu>"},
		{name: "mobile only: text with mentioned_mobile_list", members: []route.Member{robots.SampleMembers[1]},
			msgType: "text", content: "跟进：李四", mobiles: []string{"13800000002"}},
		{name: "digest mixing both: text with <@userid> and mobiles", members: []route.Member{robots.SampleMembers[0], robots.SampleMembers[1], robots.SampleMembers[1]},
			msgType: "text", content: "<@zhangsan>", mobiles: []string{"13800000002"}},
		{name: "nobody to @", members: []route.Member{robots.SampleMembers[3]}, msgType: "markdown", content: "跟进：赵敏"},
		{name: "@all is never taken as a userid", members: []route.Member{{Name: "all", WeComUserID: "@all"}}, msgType: "markdown", content: "跟进：all"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, n := setup(t, notify.ReceiverConfig{}, robots.Options{})
			msg := &notify.Message{}
			for i := range tc.members {
				msg.Alerts = append(msg.Alerts, notify.Alert{Lead: robots.SampleLead(), Route: "r", Assignee: &tc.members[i]})
			}
			_, err := n.Notify(context.Background(), msg)
			require.NoError(t, err)
			b := decode(t, s.Messages("k3y-0123456789")[0].Raw)
			require.Equal(t, tc.msgType, b.MsgType)
			require.Contains(t, b.Markdown.Content+b.Text.Content, tc.content)
			require.Equal(t, tc.mobiles, b.Text.MentionedMobileList)
			require.Empty(t, b.Text.MentionedList, "never @all")
			require.NotContains(t, b.Markdown.Content+b.Text.Content, "<@all>")
			if tc.msgType == "text" {
				require.NotContains(t, b.Text.Content, "<font", "markdown is stripped from text")
				require.NotContains(t, b.Text.Content, "**")
				require.LessOrEqual(t, len(b.Text.Content), wecom.MaxText)
			}
		})
	}
}

func TestPlain(t *testing.T) {
	require.Equal(t, "新线索 王\n电话：155****8917\n标题\n跟进：<@zhangsan>",
		wecom.Plain("<font color=\"warning\">**新线索**</font> 王\n> 电话：155****8917\n## 标题\n跟进：<@zhangsan>"))
	require.Equal(t, "1. 王 <@zhangsan> 标记 https://cluebot.example.com/m/AAEC-_x",
		wecom.Plain("1. 王 <@zhangsan> [标记](https://cluebot.example.com/m/AAEC-_x)"), "a link becomes a bare URL")
}

func TestGolden(t *testing.T) {
	_, n := setup(t, notify.ReceiverConfig{}, robots.Options{})
	digest := sample(sample(nil))
	digest.Alerts[1].Assignee = &robots.SampleMembers[2]
	text := &notify.Message{Receiver: "managers", Alerts: []notify.Alert{{Lead: robots.SampleLead(), Route: "r", Assignee: &robots.SampleMembers[1]}}}
	tests := map[string]*notify.Message{
		"lead.json":      sample(nil),
		"lead-text.json": text,
		"digest.json":    digest,
		"summary.json": {Receiver: "managers", Summary: &notify.Summary{Title: "线索日报", Date: "2024-04-30", Total: 12, Unrouted: 1,
			Sections: []notify.SummarySection{{Title: "按城市", Rows: []notify.SummaryRow{{Label: "郑州", Count: 8}, {Label: "洛阳", Count: 4}}}},
			FileName: "cluebot-2024-04-30.xlsx"}},
		"reminder.json":      notifytest.Reminder("guangdong-group", "guangdong", &robots.SampleMembers[0]),
		"reminder-text.json": notifytest.Reminder("guangdong-sales", "guangdong", &robots.SampleMembers[1]),
		"escalation.json":    notifytest.Escalation("guangdong"),
	}
	for name, msg := range tests {
		t.Run(name, func(t *testing.T) {
			b, err := n.Body(msg)
			require.NoError(t, err)
			golden(t, name, b)
		})
	}
}
