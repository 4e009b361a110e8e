package daemon

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// routeNames lists the routes of the rules in force.
func routeNames(e *env) []string {
	var names []string
	for _, r := range e.app.Rules.Load().Routes {
		names = append(names, r.Name)
	}
	return names
}

func TestReloadRules(t *testing.T) {
	e := newEnv(t, envOptions{})
	_, stop := e.start(Options{})
	require.Equal(t, []string{"all"}, routeNames(e))
	rulesPath := filepath.Join(e.dir, "rules.yaml")

	steps := []struct {
		name    string
		content string
		want    []string // routes in force afterwards
		errs    []string // logged problems, file:line: message
	}{
		{name: "valid change applied", want: []string{"henan", "rest"},
			content: "routes:\n  - name: henan\n    match: {province: 河南}\n    receivers: [group]\n  - name: rest\n    receivers: [sales]\n"},
		{name: "every problem logged with its line, old rules kept", want: []string{"henan", "rest"},
			content: "routes:\n  - name: broken\n    match: {colour: red}\n    receivers: [sales]\n  - name: worse\n    match: {intention: [高价值客户], shape: round}\n    receivers: [sales]\n",
			errs:    []string{rulesPath + `:3: unknown match key \"colour\"`, rulesPath + `:6: unknown match key \"shape\"`}},
		{name: "unknown receiver rejected", want: []string{"henan", "rest"},
			content: "routes:\n  - name: broken\n    receivers: [nobody]\n",
			errs:    []string{rulesPath + `:3: unknown receiver \"nobody\"`}},
		{name: "missing template rejected", want: []string{"henan", "rest"},
			content: "routes:\n  - name: fancy\n    receivers: [group]\n    template: fancy\n",
			errs: []string{rulesPath + `:2: route \"fancy\": template \"fancy\" has no fancy.dingtalk.tmpl in ` +
				filepath.Join(e.dir, "templates")}},
		{name: "fixed again", want: []string{"only"},
			content: "routes:\n  - name: only\n    receivers: [sales]\n"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			mark := len(e.logs.String())
			// An editor's save: truncate, then write, in two events.
			require.NoError(t, os.WriteFile(rulesPath, nil, 0o644))
			require.NoError(t, os.WriteFile(rulesPath, []byte(st.content), 0o644))
			if st.errs == nil {
				require.Eventually(t, func() bool { return strings.Join(routeNames(e), ",") == strings.Join(st.want, ",") },
					wait, time.Millisecond)
				require.NotContains(t, e.logs.String()[mark:], "rejected", "the burst was debounced into one valid load")
				return
			}
			require.Eventually(t, func() bool { return strings.Contains(e.logs.String()[mark:], "rules.yaml change rejected") },
				wait, time.Millisecond)
			logged := e.logs.String()[mark:]
			require.Equal(t, 1, strings.Count(logged, "rules.yaml change rejected"), "debounced: one load for the burst")
			require.Contains(t, logged, `"level":"ERROR"`)
			for _, want := range st.errs {
				require.Contains(t, logged, want)
			}
			require.Equal(t, st.want, routeNames(e))
		})
	}
	require.NoError(t, stop())
}

func TestReloadTemplates(t *testing.T) {
	e := newEnv(t, envOptions{rules: "routes:\n  - name: all\n    receivers: [group]\n"})
	t0 := e.clock.Now()
	d, stop := e.start(Options{})
	waitRuns(t, d, JobPull, 1)
	tmplPath := filepath.Join(e.dir, "templates", "lead.dingtalk.tmpl")
	before := d.a.Live().Deliverer

	e.writeFile("templates/lead.dingtalk.tmpl", "{{define \"title\"}}新线索{{end}}\n{{define \"text\"}}模板V2 {{.Name}}{{end}}\n")
	require.Eventually(t, func() bool { return e.logs.contains("templates reloaded") }, wait, time.Millisecond)
	require.NotSame(t, before, d.a.Live().Deliverer)

	e.addClues(1)
	e.advanceTo(d, JobPull, t0.Add(testPoll))
	require.Eventually(t, func() bool { return len(e.robots.Messages("tk")) == 1 }, wait, time.Millisecond)
	require.Contains(t, string(e.robots.Messages("tk")[0].Raw), "模板V2", "the new template renders the alert")

	current := d.a.Live().Deliverer
	e.writeFile("templates/lead.dingtalk.tmpl", "{{define \"text\"}}\n{{.Name\n{{end}}\n")
	require.Eventually(t, func() bool { return e.logs.contains("templates change rejected") }, wait, time.Millisecond)
	require.Contains(t, e.logs.String(), tmplPath+":3: ", "the problem with its file and line")
	require.Same(t, current, d.a.Live().Deliverer, "the previous templates stay")
	require.NoError(t, stop())
}

// fancyRules send every lead to the DingTalk group with the template fancy.
const fancyRules = "routes:\n  - name: all\n    receivers: [group]\n    template: fancy\n"

const fancyTemplate = "{{define \"title\"}}新线索{{end}}\n{{define \"text\"}}FANCY {{.Name}}{{end}}\n"

// TestReloadKeepsRoutesTemplates refuses a templates change that removes a
// template a route in force names, and takes rules and templates changed
// together (a ConfigMap swap) as one: a route may name a template added in
// the same change, or stop naming one removed in it.
func TestReloadKeepsRoutesTemplates(t *testing.T) {
	e := newEnv(t, envOptions{rules: fancyRules, templates: map[string]string{"fancy.dingtalk.tmpl": fancyTemplate}})
	// One burst for files written together, however loaded the machine.
	d, stop := e.start(Options{ReloadDebounce: time.Second})
	rulesPath := filepath.Join(e.dir, "rules.yaml")
	fancy := filepath.Join(e.dir, "templates", "fancy.dingtalk.tmpl")

	before := d.a.Live().Deliverer
	mark := len(e.logs.String())
	require.NoError(t, os.Remove(fancy))
	require.Eventually(t, func() bool { return strings.Contains(e.logs.String()[mark:], "templates change rejected") },
		wait, time.Millisecond)
	require.Contains(t, e.logs.String()[mark:], rulesPath+`:2: route \"all\": template \"fancy\" has no fancy.dingtalk.tmpl`)
	require.Same(t, before, d.a.Live().Deliverer, "the previous templates stay")
	require.True(t, e.app.Templates().Has("fancy", "dingtalk"))

	// The route stops naming fancy as the file goes: both changes apply.
	mark = len(e.logs.String())
	e.writeFile("rules.yaml", defaultRules)
	e.writeFile("templates/other.dingtalk.tmpl", fancyTemplate)
	require.Eventually(t, func() bool { return strings.Contains(e.logs.String()[mark:], "templates reloaded") },
		wait, time.Millisecond)
	require.Contains(t, e.logs.String()[mark:], "rules.yaml reloaded")
	require.NotContains(t, e.logs.String()[mark:], "rejected")
	require.False(t, e.app.Templates().Has("fancy", "dingtalk"))

	// A route names a template added in the same change.
	mark = len(e.logs.String())
	e.writeFile("rules.yaml", strings.ReplaceAll(fancyRules, "fancy", "newer"))
	e.writeFile("templates/newer.dingtalk.tmpl", fancyTemplate)
	require.Eventually(t, func() bool { return strings.Contains(e.logs.String()[mark:], "templates reloaded") },
		wait, time.Millisecond)
	require.Contains(t, e.logs.String()[mark:], "rules.yaml reloaded")
	require.NotContains(t, e.logs.String()[mark:], "rejected")
	require.Equal(t, "newer", e.app.Rules.Load().Routes[0].Template)
	require.NoError(t, stop())
}

// TestReloadedSummaryTemplate changes the DingTalk summary template while
// the daemon runs: the next daily summary uses it, without a restart.
func TestReloadedSummaryTemplate(t *testing.T) {
	e := newEnv(t, envOptions{rules: "routes:\n  - name: all\n    receivers: [group]\n"})
	e.cfg.Report.Receivers = []string{"group"}
	_, stop := e.start(Options{})

	e.writeFile("templates/summary.dingtalk.tmpl",
		"{{define \"title\"}}日报{{end}}\n{{define \"text\"}}SUMMARY-V2 {{.Date}} 共 {{.Total}} 条{{end}}\n")
	require.Eventually(t, func() bool { return e.logs.contains("templates reloaded") }, wait, time.Millisecond)

	day := time.Date(2025, 3, 9, 0, 0, 0, 0, e.cfg.Location)
	_, _, err := e.app.Report(context.Background(), day, "", true)
	require.NoError(t, err)
	msgs := e.robots.Messages("tk")
	require.Len(t, msgs, 1)
	require.Contains(t, string(msgs[0].Raw), "SUMMARY-V2 2025-03-09", "the reloaded summary template")
	require.NoError(t, stop())
}
