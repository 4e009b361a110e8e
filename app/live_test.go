package app_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/notify"
)

const liveConfig = `timezone: Asia/Shanghai
store:
  dsn: data/cluebot.db
kuaishou:
  accounts:
    - advertiser_id: 30000001
      name: 郑州宝马
      access_token: tok-access-abcdef
receivers:
  sales:
    type: webhook
    url: http://127.0.0.1:9/hook
  group:
    type: dingtalk
    url: http://127.0.0.1:9/robot/send?access_token=tk
rules: rules.yaml
templates: templates
`

const fancyTemplate = "{{define \"title\"}}新线索{{end}}\n{{define \"text\"}}FANCY {{.Name}}{{end}}\n"

// newLiveApp is an App on a real SQLite store in a temp dir whose rules
// send every lead to the DingTalk group with the template fancy.
func newLiveApp(t *testing.T) (*app.App, string) {
	dir := t.TempDir()
	write(t, dir, "rules.yaml", "routes:\n  - name: all\n    receivers: [group]\n    template: fancy\n")
	write(t, dir, "templates/fancy.dingtalk.tmpl", fancyTemplate)
	cfg, err := config.Parse(filepath.Join(dir, "cluebot.yaml"), []byte(liveConfig),
		func(string) (string, bool) { return "", false }, nil)
	require.NoError(t, err)
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler), app.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, a.Close()) })
	return a, dir
}

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
}

func TestReload(t *testing.T) {
	a, dir := newLiveApp(t)
	first := a.Live()
	require.Same(t, first.Rules, a.Rules.Load(), "dispatch reads the rules in force")

	// A template the rules in force name cannot go.
	require.NoError(t, os.Remove(filepath.Join(dir, "templates/fancy.dingtalk.tmpl")))
	rulesErr, tmplErr := a.Reload(false, true)
	require.NoError(t, rulesErr)
	require.ErrorContains(t, tmplErr, `route "all": template "fancy" has no fancy.dingtalk.tmpl`)
	require.True(t, app.IsConfigError(tmplErr))
	require.Same(t, first, a.Live(), "nothing changes")

	// Rules that stop naming it, changed with the templates: both apply.
	write(t, dir, "rules.yaml", "routes:\n  - name: plain\n    receivers: [group, sales]\n")
	rulesErr, tmplErr = a.Reload(true, true)
	require.NoError(t, rulesErr)
	require.NoError(t, tmplErr)
	second := a.Live()
	require.Equal(t, "plain", second.Rules.Routes[0].Name)
	require.Same(t, second.Rules, a.Rules.Load())
	require.False(t, second.Templates.Has("fancy", "dingtalk"))
	require.NotSame(t, first.Deliverer, second.Deliverer, "senders built with the new templates")

	// Invalid rules stay out; the rest of what is in force stays too.
	write(t, dir, "rules.yaml", "routes:\n  - name: broken\n    receivers: [nobody]\n")
	rulesErr, tmplErr = a.Reload(true, false)
	require.ErrorContains(t, rulesErr, `unknown receiver "nobody"`)
	require.NoError(t, tmplErr)
	require.Equal(t, "plain", a.Live().Rules.Routes[0].Name)
	require.Same(t, second.Deliverer, a.Live().Deliverer)
}

func TestObserve(t *testing.T) {
	a, _ := newLiveApp(t)
	wrapped := map[string]bool{}
	require.NoError(t, a.Observe(app.Observer{Notifier: func(name string, n notify.Notifier) notify.Notifier {
		wrapped[name] = true
		return n
	}}))
	require.Equal(t, map[string]bool{"group": true, "sales": true}, wrapped, "every chat receiver's sender")
	require.NotNil(t, a.Notifier("group"), "the summary's sender, unwrapped")
	require.NotNil(t, a.Live().Deliverer)
}
