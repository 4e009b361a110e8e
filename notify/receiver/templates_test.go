package receiver_test

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/sim/robots"
)

var markups = map[string]notify.Markup{
	"dingtalk": notify.MarkupDingTalk, "wecom": notify.MarkupWeCom, "feishu": notify.MarkupFeishu,
}

// TestShippedFiles: the platforms ship a lead, digest, summary, reminder and
// escalation template each, named for their type, and nothing else.
func TestShippedFiles(t *testing.T) {
	var names []string
	for _, p := range receiver.Platforms() {
		if p.Templates == nil {
			continue
		}
		got, err := fs.Glob(p.Templates, "*.tmpl")
		require.NoError(t, err)
		names = append(names, got...)
	}
	var want []string
	for _, kind := range []string{"digest", "lead", "summary", "reminder", "escalation", "notice"} {
		for _, p := range []string{"dingtalk", "feishu", "wecom"} {
			want = append(want, kind+"."+p+".tmpl")
		}
	}
	require.ElementsMatch(t, want, names)
}

// TestLeadHoldsEverything checks that each shipped lead template shows what
// an alert must hold: name, phone, landing page, intention, city and store,
// form answers, collection time, route and the @mention.
func TestLeadHoldsEverything(t *testing.T) {
	tmpl, err := receiver.Platforms().LoadTemplates("")
	require.NoError(t, err)
	l := robots.SampleLead()
	l.IntentionLabel = "高意向"
	msg := &notify.Message{Alerts: []notify.Alert{{Lead: l, Route: "henan-hot", Assignee: &robots.SampleMembers[0]}}}
	for p, m := range markups {
		t.Run(p, func(t *testing.T) {
			r, err := tmpl.Render(msg, notify.RenderOptions{Platform: p, Markup: m, MaskPhone: true,
				Mention: func(*route.Member) string { return "MENTION" }})
			require.NoError(t, err)
			for _, want := range []string{"旧表单打点1", "8917", "王测试表单打点1", "高意向", "郑州", "哈登店",
				"下拉单选", "宝马2系/河南/郑州/二七区/哈登店", "2021-03-07 16:10", "henan-hot", "MENTION"} {
				require.Contains(t, r.Text, want)
			}
			require.NotContains(t, r.Text, "15584418917", "masked")
			require.Equal(t, 1, strings.Count(r.Text, "MENTION"), "the template places the mention itself")
			if p == "dingtalk" {
				require.NotContains(t, strings.ReplaceAll(r.Text, "\n\n", ""), "\n", "DingTalk lines are paragraphs")
			}
		})
	}
}

// TestDigestAndSummary checks the compact digest (a count headline, one line
// a lead) and the summary's numbers on each platform.
func TestDigestAndSummary(t *testing.T) {
	tmpl, err := receiver.Platforms().LoadTemplates("")
	require.NoError(t, err)
	digest := &notify.Message{}
	for range 3 {
		digest.Alerts = append(digest.Alerts, notify.Alert{Lead: robots.SampleLead(), Route: "r"})
	}
	summary := &notify.Message{Summary: &notify.Summary{Title: "线索日报", Date: "2024-04-30", Total: 42, Unrouted: 2,
		Sections: []notify.SummarySection{{Title: "按城市", Rows: []notify.SummaryRow{{Label: "郑州", Count: 40}}}},
		FileName: "cluebot-2024-04-30.xlsx"}}
	for p, m := range markups {
		t.Run(p, func(t *testing.T) {
			opts := notify.RenderOptions{Platform: p, Markup: m}
			r, err := tmpl.Render(digest, opts)
			require.NoError(t, err)
			require.Contains(t, r.Title+r.Text, "3 条新线索")
			require.Equal(t, 3, strings.Count(r.Text, "旧表单打点1"))
			require.LessOrEqual(t, strings.Count(strings.TrimSpace(r.Text), "\n"), 6, "compact: a line a lead")

			r, err = tmpl.Render(summary, opts)
			require.NoError(t, err)
			for _, want := range []string{"2024-04-30", "42", "未分配 ", "按城市", "郑州", "40", "cluebot-2024-04-30.xlsx"} {
				require.Contains(t, r.Title+r.Text, want)
			}
		})
	}
}

// TestReminderAndEscalation checks what the follow-up messages must hold on
// each platform: the reminder's ⏰ headline, the lead's name, masked phone
// and page, and the @ of its assignee; the escalation's leads grouped per
// assignee, with no one @'d.
func TestReminderAndEscalation(t *testing.T) {
	tmpl, err := receiver.Platforms().LoadTemplates("")
	require.NoError(t, err)
	mention := func(m *route.Member) string { return "MENTION-" + m.Name }
	reminder := &notify.Message{Receiver: "henan-sales", Followup: &notify.Followup{Kind: notify.KindReminder, Late: 15 * time.Minute},
		Alerts: []notify.Alert{{Lead: robots.SampleLead(), Route: "henan-hot", Assignee: &robots.SampleMembers[0]}}}
	escalation := &notify.Message{Receiver: "managers", Followup: &notify.Followup{Kind: notify.KindEscalation, Late: 30 * time.Minute}}
	for i, who := range []int{0, 1, 0, -1} {
		a := notify.Alert{Lead: robots.SampleLead(), Route: "henan-hot"}
		a.Lead.UserName = fmt.Sprintf("客户%d", i+1)
		if who >= 0 {
			a.Assignee = &robots.SampleMembers[who]
		}
		escalation.Alerts = append(escalation.Alerts, a)
	}
	first, second := robots.SampleMembers[0].Name, robots.SampleMembers[1].Name
	for p, m := range markups {
		t.Run(p, func(t *testing.T) {
			opts := notify.RenderOptions{Platform: p, Markup: m, MaskPhone: true, Mention: mention}
			r, err := tmpl.Render(reminder, opts)
			require.NoError(t, err)
			require.Equal(t, notify.KindReminder, r.Kind)
			for _, want := range []string{"⏰ 15 分钟未跟进", "旧表单打点1", "155", "8917", "王测试表单打点1", "MENTION-" + first} {
				require.Contains(t, r.Title+r.Text, want)
			}
			require.NotContains(t, r.Text, "15584418917", "masked")
			require.Equal(t, []string{"MENTION-" + first}, r.Mentions)
			require.Equal(t, 1, strings.Count(r.Text, "MENTION"), "the template places the mention itself")

			r, err = tmpl.Render(escalation, opts)
			require.NoError(t, err)
			require.Equal(t, notify.KindEscalation, r.Kind)
			require.Contains(t, r.Title+r.Text, "4 条线索超过 30 分钟未跟进")
			require.Empty(t, r.Mentions)
			require.NotContains(t, r.Text, "MENTION", "the managers' group @s no salesperson")
			// Grouped: first's two leads, then second's, then the unassigned.
			at := func(s string) int { i := strings.Index(r.Text, s); require.GreaterOrEqual(t, i, 0, s); return i }
			require.Less(t, at(first+"**（2 条）"), at("客户1"))
			require.Less(t, at("客户1"), at("客户3"))
			require.Less(t, at("客户3"), at(second+"**（1 条）"))
			require.Less(t, at(second+"**（1 条）"), at("客户2"))
			require.Less(t, at("客户2"), at("未分配**（1 条）"))
			require.Less(t, at("未分配**（1 条）"), at("客户4"))
			require.NotContains(t, r.Text, "15584418917", "masked")
			if p == "dingtalk" {
				require.NotContains(t, strings.ReplaceAll(r.Text, "\n\n", ""), "\n", "DingTalk lines are paragraphs")
			}
		})
	}
}

func TestFollowupRenderErrors(t *testing.T) {
	tmpl, err := receiver.Platforms().LoadTemplates("")
	require.NoError(t, err)
	lead := notify.Alert{Lead: robots.SampleLead(), Route: "r"}
	opts := notify.RenderOptions{Platform: "dingtalk", Markup: notify.MarkupDingTalk}
	tests := []struct {
		name string
		msg  *notify.Message
		want string
	}{
		{"reminder of two", &notify.Message{Followup: &notify.Followup{Kind: notify.KindReminder}, Alerts: []notify.Alert{lead, lead}},
			"render: a reminder is of one lead, not 2"},
		{"no lead", &notify.Message{Followup: &notify.Followup{Kind: notify.KindEscalation}},
			"render: the escalation holds no lead"},
		{"unknown kind", &notify.Message{Followup: &notify.Followup{Kind: "nag"}, Alerts: []notify.Alert{lead}},
			`render: a followup message is a reminder or an escalation, not "nag"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tmpl.Render(tc.msg, opts)
			require.EqualError(t, err, tc.want)
		})
	}
	// A route cannot pick the reminder for its leads: they get the lead template.
	r, err := tmpl.Render(&notify.Message{Template: notify.KindReminder, Alerts: []notify.Alert{lead}}, opts)
	require.NoError(t, err)
	require.Equal(t, notify.KindLead, r.Kind)
	require.Contains(t, r.Text, "新线索")
}

// TestNoticeShowsItsLines checks that each shipped notice template shows an
// operator notice's title and every line, escaped.
func TestNoticeShowsItsLines(t *testing.T) {
	tmpl, err := receiver.Platforms().LoadTemplates("")
	require.NoError(t, err)
	msg := &notify.Message{Notice: &notify.Notice{Title: "授权需要重新授权",
		Lines: []string{"代理商 19000000（授权 3）的刷新令牌已失效", "其 50 个广告主已停止拉取"}}}
	for p, m := range markups {
		t.Run(p, func(t *testing.T) {
			r, err := tmpl.Render(msg, notify.RenderOptions{Platform: p, Markup: m})
			require.NoError(t, err)
			require.Equal(t, notify.KindNotice, r.Kind)
			require.Contains(t, r.Title+r.Text, "授权需要重新授权")
			require.Contains(t, r.Text, "代理商 19000000（授权 3）的刷新令牌已失效")
			require.Contains(t, r.Text, "其 50 个广告主已停止拉取")
		})
	}
}
