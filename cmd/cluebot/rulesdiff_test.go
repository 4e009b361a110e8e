package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/rulesdiff"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/sqlite"
)

const diffRulesInForce = `routes:
  - name: henan
    match: {province: 河南}
    receivers: [henan-sales]
  - name: everything-else
    receivers: [managers]
`

// diffTrial is rulesTrial with diffRulesInForce as rules.yaml and a store
// of leads, each stored when it was created unless said otherwise: three
// from 河南 and two from 广东 in the last hour, one from 河南 two days ago,
// one from 河南 created in 2021 but stored (backfilled) a minute ago, and
// one from 河南 stored eight days ago, outside the default window.
func diffTrial(t *testing.T) (cfgPath, dir string) {
	t.Helper()
	cfgPath, dir = rulesTrial(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte(diffRulesInForce), 0o600))
	var storedAt time.Time
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "data", "cluebot.db"),
		sqlite.Options{Now: func() time.Time { return storedAt }})
	require.NoError(t, err)
	defer st.Close()
	now := time.Now()
	add := func(n int, province string, at, stored time.Time) {
		id := fmt.Sprintf("397451604008536%07d", n)
		raw, err := json.Marshal(map[string]any{"id": json.Number(id), "user_name": fmt.Sprintf("客户%d", n),
			"phone": fmt.Sprintf("1390000%04d", n), "create_time": at.In(time.FixedZone("CST", 8*3600)).Format(time.DateTime),
			"store_info": map[string]string{"province": province, "city": "某市"}})
		require.NoError(t, err)
		storedAt = stored
		_, err = st.UpsertClues(context.Background(),
			[]store.Clue{{ID: id, AdvertiserID: 1, CreateTime: at, UpdateTime: at, Province: province, Raw: raw}})
		require.NoError(t, err)
	}
	for i := range 3 {
		at := now.Add(-time.Duration(i+1) * time.Minute)
		add(i, "河南", at, at)
	}
	add(3, "广东", now.Add(-10*time.Minute), now.Add(-10*time.Minute))
	add(4, "广东", now.Add(-20*time.Minute), now.Add(-20*time.Minute))
	add(5, "河南", now.Add(-48*time.Hour), now.Add(-48*time.Hour))
	add(6, "河南", time.Date(2021, 3, 7, 16, 10, 49, 0, time.FixedZone("CST", 8*3600)), now.Add(-time.Minute))
	add(7, "河南", now.Add(-8*24*time.Hour), now.Add(-8*24*time.Hour))
	return cfgPath, dir
}

func rulesDiff(t *testing.T, cfgPath string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"rules", "diff", "-c", cfgPath}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestRulesDiff(t *testing.T) {
	cfgPath, dir := diffTrial(t)
	newPath := filepath.Join(dir, "new.yaml")
	require.NoError(t, os.WriteFile(newPath, []byte("routes:\n  - name: everything-else\n    receivers: [managers]\n"), 0o600))

	t.Run("json", func(t *testing.T) {
		code, out, errs := rulesDiff(t, cfgPath, "--rules", newPath, "--json")
		require.Equal(t, 0, code, errs)
		var res rulesdiff.Result
		require.NoError(t, json.Unmarshal([]byte(out), &res))
		require.Equal(t, 7, res.Leads, "the leads stored in the default 7 days, the one created in 2021 too")
		require.Equal(t, 5, res.Changed, "exactly the 河南 leads")
		require.Equal(t, rulesdiff.Count{Before: 5, After: 0}, *res.Routes["henan"])
		require.Equal(t, rulesdiff.Count{Before: 2, After: 7}, *res.Routes["everything-else"])
		require.Equal(t, rulesdiff.Count{Before: 5, After: 0}, *res.Receivers["henan-sales"])
		require.Len(t, res.Examples, 5)
		for _, e := range res.Examples {
			require.Equal(t, []string{"henan"}, e.Before)
			require.Equal(t, []string{"everything-else"}, e.After)
			require.Regexp(t, `^139\*+\d{4}$`, e.Phone)
		}
	})
	t.Run("since", func(t *testing.T) {
		code, out, errs := rulesDiff(t, cfgPath, "--rules", newPath, "--json", "--since", "1h")
		require.Equal(t, 0, code, errs)
		var res rulesdiff.Result
		require.NoError(t, json.Unmarshal([]byte(out), &res))
		require.Equal(t, 6, res.Leads, "stored in the last hour, whenever created")
		require.Equal(t, 4, res.Changed)
		var ids []string
		for _, e := range res.Examples {
			ids = append(ids, e.ID)
		}
		require.Contains(t, ids, "3974516040085360000006", "the lead created in 2021, stored a minute ago")
	})
	t.Run("text", func(t *testing.T) {
		code, out, errs := rulesDiff(t, cfgPath, "--rules", newPath, "--since", "3d")
		require.Equal(t, 0, code, errs)
		require.Contains(t, out, "7 leads stored in the last 3d; 5 would go elsewhere.")
		require.Contains(t, out, "henan-sales")
	})
	t.Run("invalid candidate", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.yaml")
		require.NoError(t, os.WriteFile(bad, []byte("routes:\n  - name: x\n    receivers: [nobody]\n  - name: y\n    match: {provnce: 河南}\n    receivers: [managers]\n"), 0o600))
		code, out, errs := rulesDiff(t, cfgPath, "--rules", bad)
		require.Equal(t, 2, code)
		require.Empty(t, out)
		require.Contains(t, errs, bad+":3: unknown receiver \"nobody\"")
		require.Contains(t, errs, bad+":5: ")
	})
	t.Run("syntax error at its line", func(t *testing.T) {
		bad := filepath.Join(dir, "unclosed.yaml")
		require.NoError(t, os.WriteFile(bad, []byte("routes:\n  - name: x\n    receivers: [managers]\n  - name: y\n    receivers: [managers\n  - name: z\n    receivers: [managers]\n"), 0o600))
		code, out, errs := rulesDiff(t, cfgPath, "--rules", bad)
		require.Equal(t, 2, code)
		require.Empty(t, out)
		require.Contains(t, errs, bad+":5: yaml: did not find expected ',' or ']'", "the line of the [, not the parser's 4")
	})
	for _, tt := range []struct{ name, want string }{
		{"--since=week", "--since"},
		{"--since=0d", "must be positive"},
	} {
		t.Run("bad flag "+tt.name, func(t *testing.T) {
			code, _, errs := rulesDiff(t, cfgPath, "--rules", newPath, tt.name)
			require.Equal(t, 2, code)
			require.Contains(t, errs, tt.want)
		})
	}
	t.Run("no --rules", func(t *testing.T) {
		code, _, errs := rulesDiff(t, cfgPath)
		require.Equal(t, 2, code)
		require.Contains(t, errs, "--rules is required")
	})
}

// TestRulesDiffInForce: the "before" is the store's version in force, not
// the file, once the store has one.
func TestRulesDiffInForce(t *testing.T) {
	cfgPath, dir := diffTrial(t)
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "data", "cluebot.db"), sqlite.Options{})
	require.NoError(t, err)
	// Saved in the console: 广东 has its own route; the file does not know.
	inForce := "routes:\n  - name: guangdong\n    match: {province: 广东}\n    receivers: [guangdong-sales]\n" + diffRulesInForce[len("routes:\n"):]
	_, err = rulesdiff.Save(context.Background(), st, store.RulesVersion{Author: "admin", At: time.Now(), Text: inForce}, "")
	require.NoError(t, err)
	require.NoError(t, st.Close())
	code, out, errs := rulesDiff(t, cfgPath, "--rules", filepath.Join(dir, "rules.yaml"), "--json")
	require.Equal(t, 0, code, errs)
	var res rulesdiff.Result
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	require.Equal(t, 2, res.Changed, "the file drops the 广东 route the console added")
	require.Equal(t, 7, res.Leads)
	require.Equal(t, rulesdiff.Count{Before: 2, After: 0}, *res.Routes["guangdong"])
}

// TestRulesTestInForce: rules test routes by the store's version in force.
func TestRulesTestInForce(t *testing.T) {
	cfgPath, dir := rulesTrial(t)
	clueFile := sampleClue(t, dir, nil) // 河南/郑州: everything-else by the shipped file
	code, res, out := rulesTest(t, cfgPath, "--clue", clueFile)
	require.Equal(t, 0, code, out)
	require.Equal(t, "everything-else", res.Matches[len(res.Matches)-1].Route)

	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "data", "cluebot.db"), sqlite.Options{})
	require.NoError(t, err)
	_, err = rulesdiff.Save(context.Background(), st, store.RulesVersion{Author: "admin", At: time.Now(),
		Text: "fields:\n  province: {form: 下拉单选, level: 2}\n" + diffRulesInForce}, "")
	require.NoError(t, err)
	require.NoError(t, st.Close())
	code, res, out = rulesTest(t, cfgPath, "--clue", clueFile)
	require.Equal(t, 0, code, out)
	require.Len(t, res.Matches, 1, out)
	require.Equal(t, "henan", res.Matches[0].Route, "the console's version is in force, not the file")
}

// TestRulesDiffBackfilled: the vendor's sample lead, created in March 2021
// and backfilled by pull today, is in rules diff's default window: it reads
// the leads stored since then, not those created since then.
func TestRulesDiffBackfilled(t *testing.T) {
	tr := newTrial(t, 0, 1)
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
	require.Len(t, env.Data.Details, 1)
	tr.sim.Add(30000001, env.Data.Details...)
	f, err := os.OpenFile(tr.cfgPath, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("receivers:\n  henan-sales: {type: wecom, url: \"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=key-h\"}\n" +
		"  managers: {type: wecom, url: \"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=key-m\"}\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.NoError(t, os.WriteFile(filepath.Join(tr.dir, "rules.yaml"), []byte(diffRulesInForce), 0o600))
	newPath := filepath.Join(tr.dir, "new.yaml")
	require.NoError(t, os.WriteFile(newPath, []byte("routes:\n  - name: everything-else\n    receivers: [managers]\n"), 0o600))

	code, out, errs := tr.run("pull", "--from", "2021-03-01", "--to", "2021-04-01")
	require.Equal(t, 0, code, out+errs)
	code, out, errs = tr.run("rules", "diff", "--rules", newPath, "--json")
	require.Equal(t, 0, code, errs)
	var res rulesdiff.Result
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	require.Equal(t, 1, res.Leads, "the sample lead, stored just now")
	require.Equal(t, rulesdiff.Count{Before: 1, After: 1}, *res.Routes["everything-else"])
}
