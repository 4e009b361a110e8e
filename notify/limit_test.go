package notify_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/sim/robots"
)

func TestTruncateBytes(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{name: "short is kept", in: "郑州", n: 6, want: "郑州"},
		{name: "no limit", in: "郑州", n: -1, want: "郑州"},
		{name: "cut on a rune boundary", in: "郑州市二七区", n: 10, want: "郑州…"},
		{name: "cut ascii", in: "abcdefgh", n: 6, want: "abc…"},
		{name: "too small for anything", in: "郑州", n: 3, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := notify.TruncateBytes(tc.in, tc.n)
			require.Equal(t, tc.want, got)
			require.True(t, utf8.ValidString(got))
			if tc.n >= 0 {
				require.LessOrEqual(t, len(got), tc.n)
			}
		})
	}
}

func TestCutText(t *testing.T) {
	text := "**电话**：155&#42;&#42;&#42;&#42;8917\n" + strings.Repeat("很长", 100) + "\n**跟进**：<at id=ou_1></at>"
	for over := 1; over < len(text)-40; over += 7 {
		got := notify.CutText(text, over, []string{"<at id=ou_1></at>"})
		require.LessOrEqual(t, len(got), len(text)-over, "over %d", over)
		require.True(t, utf8.ValidString(got))
		require.True(t, strings.HasSuffix(got, "<at id=ou_1></at>"), "the mention stays whole")
		head := strings.TrimSuffix(got, "<at id=ou_1></at>")
		if amp := strings.LastIndexByte(head, '&'); amp >= 0 {
			require.Contains(t, head[amp:], ";", "no half entity in %q", head)
		}
	}
	require.Equal(t, "@138", notify.CutText("abc @138", 100, []string{"@138"}), "nothing but the mention left")
}

func sizeOfText(r *notify.Rendered) int { return len(r.Text) }

func TestFitShrinksAnswersFirst(t *testing.T) {
	tmpl := receiver.Platforms().DefaultTemplates()
	msg := &notify.Message{Alerts: []notify.Alert{{Lead: robots.HugeLead(40, 400), Route: "r", Assignee: &robots.SampleMembers[0]}}}
	opts := notify.RenderOptions{Platform: "dingtalk", Markup: notify.MarkupDingTalk, MaskPhone: true,
		Mention: func(m *route.Member) string { return "@" + m.Mobile }}

	full, err := tmpl.Render(msg, opts)
	require.NoError(t, err)
	require.Greater(t, len(full.Text), 16000)

	r, err := tmpl.Fit(msg, opts, 4000, sizeOfText)
	require.NoError(t, err)
	require.LessOrEqual(t, len(r.Text), 4000)
	require.Contains(t, r.Text, "另有", "answers were left out and counted")
	require.Contains(t, r.Text, "问题1：", "the first answers stay")
	require.Contains(t, r.Text, "旧表单打点1", "the name stays")
	require.Contains(t, r.Text, "@13800000001")

	r, err = tmpl.Fit(msg, opts, 300, sizeOfText)
	require.NoError(t, err)
	require.LessOrEqual(t, len(r.Text), 300, "cut hard at last")
	require.True(t, utf8.ValidString(r.Text))
	require.True(t, strings.HasSuffix(r.Text, "@13800000001"), "the mention survives the cut")
}

func TestFitDigestTooLarge(t *testing.T) {
	tmpl := receiver.Platforms().DefaultTemplates()
	opts := notify.RenderOptions{Platform: "wecom", Markup: notify.MarkupWeCom}
	msg := &notify.Message{}
	for range 60 {
		msg.Alerts = append(msg.Alerts, notify.Alert{Lead: robots.SampleLead(), Route: "r"})
	}
	_, err := tmpl.Fit(msg, opts, 4096, sizeOfText)
	require.ErrorIs(t, err, notify.ErrTooLarge)
	require.Contains(t, err.Error(), "digest of 60 leads")

	msg.Alerts = msg.Alerts[:10]
	r, err := tmpl.Fit(msg, opts, 4096, sizeOfText)
	require.NoError(t, err)
	require.Equal(t, notify.KindDigest, r.Kind)
	require.Equal(t, 10, strings.Count(r.Text, "旧表单打点1"))
}
