package daemon

import (
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
	before := d.deliverer.Load()

	e.writeFile("templates/lead.dingtalk.tmpl", "{{define \"title\"}}新线索{{end}}\n{{define \"text\"}}模板V2 {{.Name}}{{end}}\n")
	require.Eventually(t, func() bool { return e.logs.contains("templates reloaded") }, wait, time.Millisecond)
	require.NotSame(t, before, d.deliverer.Load())

	e.addClues(1)
	e.advanceTo(d, JobPull, t0.Add(testPoll))
	require.Eventually(t, func() bool { return len(e.robots.Messages("tk")) == 1 }, wait, time.Millisecond)
	require.Contains(t, string(e.robots.Messages("tk")[0].Raw), "模板V2", "the new template renders the alert")

	current := d.deliverer.Load()
	e.writeFile("templates/lead.dingtalk.tmpl", "{{define \"text\"}}\n{{.Name\n{{end}}\n")
	require.Eventually(t, func() bool { return e.logs.contains("templates change rejected") }, wait, time.Millisecond)
	require.Contains(t, e.logs.String(), tmplPath+":3: ", "the problem with its file and line")
	require.Same(t, current, d.deliverer.Load(), "the previous templates stay")
	require.NoError(t, stop())
}
