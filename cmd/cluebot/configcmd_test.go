package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// checkConfig is a cluebot.yaml with one DingTalk receiver, sales.
const checkConfig = `kuaishou:
  accounts: []
receivers:
  sales: {type: dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=tok-sales-123"}
`

// writeTrial writes cluebot.yaml, rules.yaml and template files into a new
// directory and returns the config's path.
func writeTrial(t *testing.T, cfg, rules string, templates map[string]string) (cfgPath, dir string) {
	t.Helper()
	dir = t.TempDir()
	cfgPath = filepath.Join(dir, "cluebot.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte(cfg), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte(rules), 0o600))
	if len(templates) > 0 {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "templates"), 0o700))
	}
	for name, text := range templates {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "templates", name), []byte(text), 0o600))
	}
	return cfgPath, dir
}

// cluebotProcess runs the cluebot binary (this test binary as main) with
// args, as an admin would, and returns its exit code and stderr.
func cluebotProcess(t *testing.T, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CLUEBOT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, childEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), stderr.String()
	}
	require.NoError(t, err, stderr.String())
	return 0, stderr.String()
}

// TestConfigCheckReportsBothProblems is the example of issue 12: a bad
// regexp and an unknown receiver in one route are both reported, exit 2.
func TestConfigCheckReportsBothProblems(t *testing.T) {
	cfgPath, dir := writeTrial(t, checkConfig,
		`routes: [{name: x, match: {page_name: "re:(["}, receivers: [nobody]}]`+"\n", nil)
	code, stderr := cluebotProcess(t, "config", "check", "-c", cfgPath)
	require.Equal(t, 2, code, stderr)
	rules := filepath.Join(dir, "rules.yaml")
	require.Contains(t, stderr, rules+`:1: bad regexp "(["`)
	require.Contains(t, stderr, rules+`:1: unknown receiver "nobody" in route "x"`)
	require.Contains(t, stderr, "2 problem(s) found")
}

// TestConfigCheckReportsEveryFile breaks cluebot.yaml, rules.yaml and a
// template at once: one run lists every problem of every file. A route
// naming a template that exists but is broken is not also told it lacks it.
func TestConfigCheckReportsEveryFile(t *testing.T) {
	cfg := checkConfig + "  broken: {type: dingtalk, url: [1]}\nlog: {level: loud}\nextra: 1\n"
	rules := "routes:\n" +
		"  - name: x\n    match: {page_name: \"re:([\"}\n    receivers: [sales]\n" +
		"  - name: y\n    receivers: [nobody]\n" +
		"  - name: z\n    receivers: [sales]\n    template: fancy\n" +
		"  - name: w\n    receivers: [sales]\n    template: shaky\n"
	cfgPath, dir := writeTrial(t, cfg, rules, map[string]string{
		"lead.dingtalk.tmpl":  "{{define \"text\"}}\n{{.Name\n{{end}}\n",
		"shaky.dingtalk.tmpl": "{{.Nope}}\n",
	})
	var out, errb bytes.Buffer
	require.Equal(t, 2, run(context.Background(), []string{"config", "check", "-c", cfgPath}, &out, &errb), errb.String())
	rulesPath, tmplDir := filepath.Join(dir, "rules.yaml"), filepath.Join(dir, "templates")
	lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
	want := []string{
		cfgPath + ":5: receivers.broken.url: want a single value, not a list",
		cfgPath + ":6: log.level: \"loud\" is not one of debug, info, warn, error",
		cfgPath + ":7: extra: unknown key",
		rulesPath + `:3: bad regexp "(["`,
		rulesPath + `:6: unknown receiver "nobody" in route "y"`,
		rulesPath + `:7: route "z": template "fancy" has no fancy.dingtalk.tmpl in ` + tmplDir,
		filepath.Join(tmplDir, "lead.dingtalk.tmpl") + ":3: ",
		filepath.Join(tmplDir, "shaky.dingtalk.tmpl") + ":1: ",
		"cluebot config: 8 problem(s) found",
	}
	require.Len(t, lines, len(want), errb.String())
	for i, w := range want {
		require.True(t, strings.HasPrefix(lines[i], w), "line %d:\n%s\ndoes not start with\n%s", i+1, lines[i], w)
	}
}

// TestRunRefusesMissingRouteTemplate: `run` does not start when a route
// names a template that does not exist; it says where, and exits 2.
func TestRunRefusesMissingRouteTemplate(t *testing.T) {
	cfgPath, dir := writeTrial(t, checkConfig, "routes:\n  - name: z\n    receivers: [sales]\n    template: fancy\n", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second) // the old code ran until then
	defer cancel()
	var out, errb bytes.Buffer
	require.Equal(t, 2, run(ctx, []string{"run", "-c", cfgPath}, &out, &errb), errb.String())
	require.Contains(t, errb.String(), filepath.Join(dir, "rules.yaml")+`:2: route "z": template "fancy" has no fancy.dingtalk.tmpl`)
	require.NotContains(t, errb.String(), "cluebot running")
}

// TestConfigCheckWarnsWithLines: what cannot work but does not stop
// cluebot is a warning at its file and line, and config check still
// exits 0: a Feishu robot on the old v1 hook (its key not shown), a
// round-robin member the route's robot cannot @.
func TestConfigCheckWarnsWithLines(t *testing.T) {
	cfg := checkConfig + "  calls: {type: feishu, url: \"https://open.feishu.cn/open-apis/bot/hook/k3y-9f3\"}\n"
	rules := "routes:\n  - name: x\n    receivers: [sales]\n    mention:\n      round_robin:\n        - {name: 李四}\n"
	cfgPath, dir := writeTrial(t, cfg, rules, nil)
	var out, errb bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"config", "check", "-c", cfgPath}, &out, &errb), errb.String())
	require.Equal(t, cfgPath+": ok\n", out.String())
	require.Equal(t, cfgPath+`:5: warning: receivers.calls.url: is an old v1 hook (/open-apis/bot/hook/), which does not take `+
		`the messages cluebot sends: copy the bot's v2 webhook (/open-apis/bot/v2/hook/) from the group's bot settings`+"\n"+
		filepath.Join(dir, "rules.yaml")+`:6: warning: round_robin member "李四" of route "x" has nothing `+
		`dingtalk receiver "sales" can @ (give mobile): the alert names them but does not notify them`+"\n", errb.String())
	require.NotContains(t, errb.String(), "k3y-9f3")
}
