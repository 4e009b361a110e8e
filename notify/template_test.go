package notify_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/sim/robots"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600))
	}
	return dir
}

func dingtalkOpts() notify.RenderOptions {
	return notify.RenderOptions{Platform: "dingtalk", Markup: notify.MarkupDingTalk, MaskPhone: true,
		Mention: func(m *route.Member) string {
			if m.Mobile == "" {
				return ""
			}
			return "@" + m.Mobile
		}}
}

func sampleMsg(template string) *notify.Message {
	return &notify.Message{Template: template, Alerts: []notify.Alert{{Lead: robots.SampleLead(), Route: "henan-hot", Assignee: &robots.SampleMembers[0]}}}
}

func TestLoadTemplatesDefaults(t *testing.T) {
	for _, dir := range []string{"", filepath.Join(t.TempDir(), "missing")} {
		tmpl, err := receiver.Platforms().LoadTemplates(dir)
		require.NoError(t, err)
		for _, kind := range []string{"lead", "digest", "summary"} {
			for _, p := range []string{"dingtalk", "wecom", "feishu"} {
				require.True(t, tmpl.Has(kind, p), "%s.%s.tmpl", kind, p)
			}
		}
		require.False(t, tmpl.Has("vip", "dingtalk"))
	}
}

func TestLoadTemplatesOverlay(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"lead.dingtalk.tmpl": `{{define "title"}}自定义{{end}}自定义 {{.Name}} {{.Phone}}`,
		"vip.dingtalk.tmpl":  `{{define "title"}}VIP{{end}}VIP {{.Name}} {{.Mention}}`,
		"README.md":          "not a template",
	})
	tmpl, err := receiver.Platforms().LoadTemplates(dir)
	require.NoError(t, err)

	tests := []struct {
		name     string
		template string
		title    string
		text     string
	}{
		{name: "overlaid default", template: "", title: "自定义", text: "自定义 旧表单打点1 155∗∗∗∗8917\n\n@13800000001"},
		{name: "route template", template: "vip", title: "VIP", text: "VIP 旧表单打点1 @13800000001"},
		{name: "missing route template falls back", template: "gold", title: "自定义", text: "自定义 旧表单打点1 155∗∗∗∗8917\n\n@13800000001"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tmpl.Render(sampleMsg(tc.template), dingtalkOpts())
			require.NoError(t, err)
			require.Equal(t, tc.title, r.Title)
			require.Equal(t, tc.text, r.Text, "a mention the template left out is added")
			require.Equal(t, []string{"@13800000001"}, r.Mentions)
		})
	}
	r, err := tmpl.Render(sampleMsg(""), notify.RenderOptions{Platform: "wecom", Markup: notify.MarkupWeCom})
	require.NoError(t, err)
	require.Contains(t, r.Text, `<font color="warning">`, "other platforms keep the shipped template")
}

func TestLoadTemplatesErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{name: "parse error with its line", files: map[string]string{"lead.wecom.tmpl": "line one\n{{if .Name}}\nno end"},
			want: "lead.wecom.tmpl:3: unexpected EOF"},
		{name: "unknown field with its line", files: map[string]string{"lead.feishu.tmpl": "ok\n\n{{.Nmae}}"},
			want: `lead.feishu.tmpl:3: executing "lead.feishu.tmpl" at <.Nmae>: can't evaluate field Nmae`},
		{name: "unknown field in a block", files: map[string]string{"digest.dingtalk.tmpl": "{{define \"title\"}}{{.Cnt}}{{end}}x"},
			want: "digest.dingtalk.tmpl:1: "},
		{name: "unknown platform", files: map[string]string{"lead.slack.tmpl": "x"}, want: `lead.slack.tmpl:1: "slack" is not dingtalk, wecom or feishu`},
		{name: "bad name", files: map[string]string{"lead.tmpl": "x"}, want: "lead.tmpl:1: a template file is named NAME.TYPE.tmpl"},
		{name: "no text", files: map[string]string{"lead.dingtalk.tmpl": `{{define "title"}}t{{end}}`}, want: "lead.dingtalk.tmpl:1: the template renders no text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, tc.files)
			_, err := receiver.Platforms().LoadTemplates(dir)
			require.Error(t, err)
			require.Contains(t, err.Error(), filepath.Join(dir, tc.want))
		})
	}
	file := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	_, err := receiver.Platforms().LoadTemplates(file)
	require.ErrorContains(t, err, "must name a directory")
}

func TestRenderKinds(t *testing.T) {
	tmpl := receiver.Platforms().DefaultTemplates()
	opts := dingtalkOpts()
	a := notify.Alert{Lead: robots.SampleLead(), Route: "r", Assignee: &robots.SampleMembers[1]}
	b := notify.Alert{Lead: robots.SampleLead(), Route: "r", Assignee: &robots.SampleMembers[2]}

	r, err := tmpl.Render(&notify.Message{Alerts: []notify.Alert{a, b, a}}, opts)
	require.NoError(t, err)
	require.Equal(t, notify.KindDigest, r.Kind)
	require.Equal(t, "3 条新线索", r.Title)
	require.Equal(t, []string{"@13800000002"}, r.Mentions, "each mention once, none for 王五 without a mobile")
	require.Equal(t, 2, strings.Count(r.Text, "@13800000002"))
	require.Contains(t, r.Text, "· 王五")

	r, err = tmpl.Render(&notify.Message{Summary: &notify.Summary{Date: "2024-05-01", Total: 3,
		Sections: []notify.SummarySection{{Title: "按城市", Rows: []notify.SummaryRow{{Label: "<郑州>", Count: 3}}}}}}, opts)
	require.NoError(t, err)
	require.Equal(t, notify.KindSummary, r.Kind)
	require.Equal(t, "线索日报 2024-05-01", r.Title)
	require.Contains(t, r.Text, "- ＜郑州＞：3", "labels from leads are escaped")

	_, err = tmpl.Render(&notify.Message{}, opts)
	require.ErrorContains(t, err, "no lead and no summary")
	_, err = tmpl.Render(sampleMsg(""), notify.RenderOptions{Platform: "slack"})
	require.ErrorContains(t, err, `no lead template for "slack"`)
}

func TestRenderMasksPhone(t *testing.T) {
	tmpl := receiver.Platforms().DefaultTemplates()
	for _, mask := range []bool{true, false} {
		opts := dingtalkOpts()
		opts.MaskPhone = mask
		r, err := tmpl.Render(sampleMsg(""), opts)
		require.NoError(t, err)
		require.Equal(t, !mask, strings.Contains(r.Text, "15584418917"), "mask %v", mask)
		require.Equal(t, mask, strings.Contains(r.Text, "155∗∗∗∗8917"), "mask %v", mask)
	}
}
