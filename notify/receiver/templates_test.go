package receiver_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/sim/robots"
)

var markups = map[string]notify.Markup{
	"dingtalk": notify.MarkupDingTalk, "wecom": notify.MarkupWeCom, "feishu": notify.MarkupFeishu,
}

// TestShippedFiles: the platforms ship a lead, digest and summary template
// each, named for their type, and nothing else.
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
	for _, kind := range []string{"digest", "lead", "summary"} {
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
