package notify_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/dingtalk"
	"github.com/cluebot/cluebot/notify/feishu"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/notify/wecom"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/sim/robots"
)

// TestEscapeInvisibles: Escape drops every character that reorders text
// (embeddings, overrides, isolates, direction marks) on every markup, and
// keeps the zero-width characters that do not (ZWJ inside emoji above all),
// and right-to-left letters themselves.
func TestEscapeInvisibles(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"right-to-left override", "王\u202e8000 0013 138\u202c先生", "王8000 0013 138先生"},
		{"left-to-right override", "\u202d价格\u202c", "价格"},
		{"embeddings", "\u202a宝马\u202c\u202b特价\u202c", "宝马特价"},
		{"isolates", "\u2066a\u2069\u2067b\u2069\u2068c\u2069", "abc"},
		{"direction marks", "\u200e1\u200f2\u061c3", "123"},
		{"unterminated override at the end", "郑州\u202e", "郑州"},
		{"only controls", "\u202e\u2066\u200f", ""},
		{"family emoji keeps its ZWJs", "👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"},
		{"flag and skin tone", "🇨🇳👍🏽", "🇨🇳👍🏽"},
		{"zero-width space, non-joiner, BOM", "王\u200b五\u200c六\ufeff", "王\u200b五\u200c六\ufeff"},
		{"arabic name is kept", "محمد علي", "محمد علي"},
		{"hebrew with an override", "\u202eשלום", "שלום"},
	}
	for name, m := range markups {
		for _, tc := range tests {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				got := notify.Escape(m, tc.in)
				require.Equal(t, tc.want, got)
				require.True(t, utf8.ValidString(got))
				require.Equal(t, got, notify.Escape(m, got), "escaping twice changes nothing more")
			})
		}
	}
}

// TestFitHugeLead fits a lead with 5,000 form answers under each platform's
// limit with the shipped templates: the text stays valid UTF-8, keeps the
// mention and counts what it left out.
func TestFitHugeLead(t *testing.T) {
	tmpl := receiver.Platforms().DefaultTemplates()
	lead := robots.HugeLead(5000, 45)
	lead.UserName = strings.Repeat("长名\u202e", 2000)
	member := robots.SampleMembers[0]
	tests := []struct {
		name, platform string
		markup         notify.Markup
		limit          int
		mention        string
	}{
		{"dingtalk", dingtalk.Type, notify.MarkupDingTalk, 20000, "@13800000001"},
		{"wecom markdown", wecom.Type, notify.MarkupWeCom, 4096, "<@zhangsan>"},
		{"wecom text", wecom.Type, notify.MarkupWeComText, 2048, "<@zhangsan>"},
		{"feishu", feishu.Type, notify.MarkupFeishu, 20000, "<at id=ou_x></at>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := &notify.Message{Alerts: []notify.Alert{{Lead: lead, Route: "r", Assignee: &member}}}
			opts := notify.RenderOptions{Platform: tc.platform, Markup: tc.markup, MaskPhone: true,
				Mention: func(*route.Member) string { return tc.mention }}
			r, err := tmpl.Fit(msg, opts, tc.limit, func(r *notify.Rendered) int { return len(r.Text) })
			require.NoError(t, err)
			require.LessOrEqual(t, len(r.Text), tc.limit)
			require.True(t, utf8.ValidString(r.Text+r.Title))
			require.NotContains(t, r.Text+r.Title, "\u202e")
			require.Contains(t, r.Text, tc.mention)
			require.Contains(t, r.Text, "另有 4993 项", "ten answers shown, the rest counted")
		})
	}
}
