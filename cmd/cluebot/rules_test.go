package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot"
	"github.com/cluebot/cluebot/sim/robots"
)

// rulesTrial is a config with the shipped rules.yaml and its receivers.
func rulesTrial(t *testing.T) (cfgPath, dir string) {
	t.Helper()
	dir = t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "rules.yaml"), cluebot.RulesYAML, 0o600))
	cfg := `kuaishou:
  accounts: []
receivers:
  henan-sales: {type: dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=tok-henan-123", secret: SECsecret-henan}
  guangdong-sales: {type: wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=key-gd-123"}
  calls-team: {type: feishu, url: "https://open.feishu.cn/open-apis/bot/v2/hook/hook-calls-123", secret: feishu-secret-123}
  managers: {type: wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=key-mgr-123"}
`
	cfgPath = filepath.Join(dir, "cluebot.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte(cfg), 0o600))
	return cfgPath, dir
}

// sampleClue is the vendor's sample record, changed by edit.
func sampleClue(t *testing.T, dir string, edit func(c map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile("../../fetch/testdata/clue-list-sample.json")
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var env struct {
		Data struct {
			Details []map[string]any `json:"details"`
		} `json:"data"`
	}
	require.NoError(t, dec.Decode(&env))
	c := env.Data.Details[0]
	if edit != nil {
		edit(c)
	}
	out, err := json.Marshal(c)
	require.NoError(t, err)
	p := filepath.Join(dir, "clue.json")
	require.NoError(t, os.WriteFile(p, out, 0o600))
	return p
}

type rulesOut struct {
	ClueID   string `json:"clue_id"`
	Unrouted bool   `json:"unrouted"`
	Matches  []struct {
		Route     string            `json:"route"`
		Receivers []string          `json:"receivers"`
		Assignee  string            `json:"assignee"`
		Messages  map[string]string `json:"messages"`
	} `json:"matches"`
}

func rulesTest(t *testing.T, cfgPath string, args ...string) (int, rulesOut, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"rules", "test", "-c", cfgPath, "--json"}, args...), &out, &errb)
	var res rulesOut
	if code == 0 {
		require.NoError(t, json.Unmarshal(out.Bytes(), &res), out.String())
	}
	return code, res, out.String() + errb.String()
}

func TestRulesTestRoutesTheVendorSample(t *testing.T) {
	cfgPath, dir := rulesTrial(t)
	code, res, text := rulesTest(t, cfgPath, "--clue", sampleClue(t, dir, nil), "--at", "2026-11-25 10:00:00")
	require.Equal(t, 0, code, text)
	require.Equal(t, "197451604008536386", res.ClueID)
	require.False(t, res.Unrouted)
	require.Len(t, res.Matches, 1, "intention 未标记 is not hot: only the catch-all")
	require.Equal(t, "everything-else", res.Matches[0].Route)
	require.Equal(t, []string{"managers"}, res.Matches[0].Receivers)
	body := res.Matches[0].Messages["managers"]
	require.Contains(t, body, `"msgtype"`)
	require.NotContains(t, body, "15584418917", "the phone is masked in chat")
}

func TestRulesTestHotHenanLeadMentionsTheAssignee(t *testing.T) {
	cfgPath, dir := rulesTrial(t)
	clue := sampleClue(t, dir, func(c map[string]any) { c["intention_id"] = 3 })
	code, res, text := rulesTest(t, cfgPath, "--clue", clue, "--at", "2026-11-25 10:00:00") // a Wednesday morning
	require.Equal(t, 0, code, text)
	require.Equal(t, []string{"henan-hot", "everything-else"}, []string{res.Matches[0].Route, res.Matches[1].Route})
	m := res.Matches[0]
	require.Equal(t, "张三", m.Assignee)
	body := m.Messages["henan-sales"]
	var msg struct {
		Msgtype  string
		Markdown struct{ Text string }
		At       struct{ AtMobiles []string }
	}
	require.NoError(t, json.Unmarshal([]byte(body), &msg), body)
	require.Equal(t, []string{"13800000001"}, msg.At.AtMobiles)
	require.Contains(t, msg.Markdown.Text, "@13800000001")
	require.NotContains(t, body, "15584418917")
	require.NotContains(t, text, "tok-henan-123")
	require.NotContains(t, text, "SECsecret-henan")

	// At night the office-hours route is not considered.
	code, res, _ = rulesTest(t, cfgPath, "--clue", clue, "--at", "2026-11-25 23:00:00")
	require.Equal(t, 0, code)
	require.Equal(t, "night-hot", res.Matches[0].Route)
}

func TestRulesTestNamesTheAccountAsAnAlertWould(t *testing.T) {
	cfgPath, dir := rulesTrial(t)
	b, err := os.ReadFile(cfgPath)
	require.NoError(t, err)
	named := strings.Replace(string(b), "  accounts: []",
		"  accounts:\n    - {advertiser_id: 20006545, name: 郑州宝马, access_token: tok-acct-123}", 1)
	require.NoError(t, os.WriteFile(cfgPath, []byte(named), 0o600))
	code, res, text := rulesTest(t, cfgPath, "--clue", sampleClue(t, dir, nil), "--at", "2026-11-25 10:00:00")
	require.Equal(t, 0, code, text)
	require.Equal(t, "everything-else", res.Matches[0].Route)
	require.Contains(t, res.Matches[0].Messages["managers"], "everything-else · 郑州宝马",
		"the clue's account_id names its configured account, as transform.FromStored does for alerts")
	require.NotContains(t, text, "tok-acct-123")
}

func TestConfigCheckReportsRulesLines(t *testing.T) {
	cfgPath, dir := rulesTrial(t)
	var out, errb bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"config", "check", "-c", cfgPath}, &out, &errb), errb.String())

	broken := strings.Replace(string(cluebot.RulesYAML), "    receivers: [guangdong-sales]", "    receivers: [guangdong-salez]\n    macth: {city: 广州}", 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte(broken), 0o600))
	out.Reset()
	errb.Reset()
	require.Equal(t, 2, run(context.Background(), []string{"config", "check", "-c", cfgPath}, &out, &errb))
	require.Regexp(t, `rules\.yaml:\d+: .*macth`, errb.String())

	broken = strings.Replace(string(cluebot.RulesYAML), "    receivers: [guangdong-sales]", "    receivers: [guangdong-salez]", 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte(broken), 0o600))
	errb.Reset()
	require.Equal(t, 2, run(context.Background(), []string{"config", "check", "-c", cfgPath}, &out, &errb))
	require.Regexp(t, `rules\.yaml:\d+: .*guangdong-salez`, errb.String())

	// The other commands refuse the broken rules with exit 2 too.
	code, _, text := rulesTest(t, cfgPath, "--clue", sampleClue(t, dir, nil))
	require.Equal(t, 2, code)
	require.Contains(t, text, "rules.yaml:")
}

func TestNotifyTestSendsToTheRobot(t *testing.T) {
	rb := robots.New(robots.Options{})
	srv := httptest.NewServer(rb)
	defer srv.Close()
	path := rb.AddDingTalk("tok-test-1", "SECtest-secret", "")
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "cluebot.yaml")
	cfg := "kuaishou: {accounts: []}\nreceivers:\n  ding: {type: dingtalk, url: \"" + srv.URL + path + "\", secret: SECtest-secret}\n  bad: {type: dingtalk, url: \"" + srv.URL + "/dingtalk/robot/send?access_token=nope-123\"}\n"
	require.NoError(t, os.WriteFile(cfgPath, []byte(cfg), 0o600))
	var out, errb bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"notify", "test", "-c", cfgPath, "--receiver", "ding"}, &out, &errb), errb.String())
	require.Len(t, rb.Messages("tok-test-1"), 1)

	out.Reset()
	errb.Reset()
	require.Equal(t, 1, run(context.Background(), []string{"notify", "test", "-c", cfgPath, "--receiver", "bad"}, &out, &errb))
	require.Contains(t, errb.String(), "300001")
	require.NotContains(t, errb.String(), "nope-123", "the robot's token stays out of errors")
	require.Equal(t, 2, run(context.Background(), []string{"notify", "test", "-c", cfgPath, "--receiver", "missing"}, &out, &errb))
}
