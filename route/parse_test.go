package route

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
)

// errorLines parses src and returns its problems as strings.
func errorLines(t *testing.T, src string) []string {
	t.Helper()
	rules, err := Parse("rules.yaml", []byte(src))
	require.Error(t, err)
	require.Nil(t, rules)
	var errs Errors
	require.ErrorAs(t, err, &errs)
	out := make([]string, len(errs))
	for i, e := range errs {
		var pe *PosError
		require.ErrorAs(t, e, &pe)
		out[i] = pe.Error()
	}
	require.Equal(t, strings.Join(out, "\n"), err.Error())
	return out
}

func TestParseCollectsEveryError(t *testing.T) {
	src, err := os.ReadFile("testdata/bad.yaml")
	require.NoError(t, err)
	labels := strings.Join(clue.Intentions.Labels(), ", ")
	require.Equal(t, []string{
		`rules.yaml:4: unknown key "town" in fields (want province, city, store)`,
		`rules.yaml:7: unknown key "macth" in route "henan-hot"`,
		`rules.yaml:12: bad regexp "(unclosed": missing closing ): ` + "`(unclosed`" + ` in match.page_name of route "bad-patterns"`,
		`rules.yaml:13: bad glob "宝马\\2*": a backslash must escape "*" or "\" in match.city of route "bad-patterns"`,
		`rules.yaml:14: unknown intention label "很想买" (use a code or one of: ` + labels + `) in match.intention of route "bad-patterns"`,
		`rules.yaml:15: unknown match key "provnce" in route "bad-patterns" (want one of: ` + strings.Join(MatchKeys(), ", ") + `)`,
		`rules.yaml:17: pattern "*不存在*" matches no phone_stat label in not.phone_stat of route "bad-patterns"`,
		`rules.yaml:19: duplicate route name "henan-hot" (first at line 6)`,
		`rules.yaml:23: unknown day "funday" (want mon, tue, wed, thu, fri, sat, sun or a range like mon-fri) in active.days of route "bad-active"`,
		`rules.yaml:24: bad time "25:00" in active.from of route "bad-active" (want HH:MM)`,
		`rules.yaml:25: bad time "9am" in active.to of route "bad-active" (want HH:MM)`,
		`rules.yaml:27: continue in route "bad-active" must be true or false, not "maybe"`,
	}, errorLines(t, string(src)))
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"empty file", "", []string{`rules.yaml: no routes: the file is empty`}},
		{"no routes key", "fields: {}\n", []string{`rules.yaml:1: no routes: add a routes list`}},
		{"empty routes", "routes: []\n", []string{`rules.yaml:1: no routes: the routes list is empty`}},
		{"routes not a list", "routes: {a: 1}\n", []string{`rules.yaml:1: routes must be a list`}},
		{"top level typo", "routes:\n  - {name: a, receivers: [x]}\nroute: []\n",
			[]string{`rules.yaml:3: unknown key "route" at the top (want fields, routes, calendar)`}},
		{"top not a mapping", "- a\n", []string{`rules.yaml:1: the rules file must be a mapping`}},
		{"yaml syntax", "routes:\n  - name: a\n\tmatch: x\n",
			[]string{`rules.yaml:3: yaml: found a tab character that violates indentation`}},
		// The parser names line 2 (the line before the `[`, from 0); the
		// problem shows at the `[` itself.
		{"unclosed [", "routes:\n  - name: a\n    receivers: [sales\n  - name: b\n    receivers: [x]\n",
			[]string{`rules.yaml:3: yaml: did not find expected ',' or ']'`}},
		// The parser names line 1 (the start of the route list).
		{"bad indent deep in the list", "routes:\n  - name: a\n    receivers: [sales]\n  - name: b\n    receivers: [x]\n   match: {}\n",
			[]string{`rules.yaml:6: yaml: did not find expected '-' indicator`}},
		{"duplicate key", "routes:\n  - name: a\n    receivers: [x]\n    receivers: [y]\n",
			[]string{`rules.yaml:4: duplicate key "receivers" in route "a"`}},
		{"name not a value", "routes:\n  - name: [a]\n    receivers: [x]\n",
			[]string{`rules.yaml:2: name of route #1 must be a single value`, `rules.yaml:2: route #1 has no name`}},
		{"no name", "routes:\n  - receivers: [x]\n", []string{`rules.yaml:2: route #1 has no name`}},
		{"no receivers", "routes:\n  - name: a\n",
			[]string{`rules.yaml:2: route "a" has no receivers (write receivers: [] to take its leads without alerting anyone)`}},
		{"route not a mapping", "routes:\n  - a\n",
			[]string{`rules.yaml:2: route #1 must be a mapping with name, match, receivers, ...`}},
		{"missing value", "routes:\n  - name: a\n    match:\n      city:\n    receivers: [x]\n",
			[]string{`rules.yaml:4: missing value for match.city of route "a" (write "" to match an empty one)`}},
		{"empty list", "routes:\n  - name: a\n    match: {city: []}\n    receivers: [x]\n",
			[]string{`rules.yaml:3: empty list for match.city of route "a": it would never match`}},
		{"nested value", "routes:\n  - name: a\n    match: {city: {a: b}}\n    receivers: [x]\n",
			[]string{`rules.yaml:3: match.city of route "a" must be a value or a list of values`}},
		{"empty regexp", "routes:\n  - name: a\n    match: {city: \"re:\"}\n    receivers: [x]\n",
			[]string{`rules.yaml:3: empty regexp after re: in match.city of route "a"`}},
		{"bad form regexp", "routes:\n  - name: a\n    match:\n      form: {城市: \"re:[\"}\n    receivers: [x]\n",
			[]string{"rules.yaml:4: bad regexp \"[\": missing closing ]: `[` in match.form[城市] of route \"a\""}},
		{"bad level", "fields:\n  city: {form: 下拉单选, level: two}\nroutes:\n  - {name: a, receivers: [x]}\n",
			[]string{`rules.yaml:2: bad level "two" in fields.city (want a whole number: 1 is the first level, -1 the last, 0 the whole answer)`}},
		{"field without form", "fields:\n  city: {level: 2}\nroutes:\n  - {name: a, receivers: [x]}\n",
			[]string{`rules.yaml:2: fields.city needs form: the label of the form answer`}},
		{"empty window", "routes:\n  - name: a\n    active: {from: \"09:00\", to: \"09:00\"}\n    receivers: [x]\n",
			[]string{`rules.yaml:3: active window of route "a" is empty: from and to are both 09:00`}},
		{"no windows", "routes:\n  - name: a\n    active: []\n    receivers: [x]\n",
			[]string{`rules.yaml:3: active of route "a" has no windows (leave active out to be always active)`}},
		{"bad template", "routes:\n  - name: a\n    template: ../etc/passwd\n    receivers: [x]\n",
			[]string{`rules.yaml:3: bad template name "../etc/passwd" in route "a" (a name like lead, not a path)`}},
		{"bad member", "routes:\n  - name: a\n    receivers: [x]\n    mention:\n      round_robin:\n        - {name: 张三, mobile: \"138-0000\"}\n        - {mobile: \"13800000002\", phone: x}\n",
			[]string{
				`rules.yaml:6: bad mobile "138-0000" in round_robin member of route "a" (want digits, like "13800000001")`,
				`rules.yaml:7: unknown key "phone" in round_robin member of route "a" (want name, mobile, wecom_userid, feishu_open_id)`,
				`rules.yaml:7: round_robin member of route "a" has no name`,
			}},
		{"empty round robin", "routes:\n  - name: a\n    receivers: [x]\n    mention: {round_robin: []}\n",
			[]string{`rules.yaml:4: round_robin of route "a" must be a list of people`}},
		{"mention typo", "routes:\n  - name: a\n    receivers: [x]\n    mention: {roundrobin: []}\n",
			[]string{`rules.yaml:4: unknown key "roundrobin" in mention of route "a" (want round_robin)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, errorLines(t, tc.src))
		})
	}
}

func TestValidateReceivers(t *testing.T) {
	rules, err := Parse("rules.yaml", []byte("routes:\n  - name: a\n    receivers:\n      - managers\n      - sales\n"+
		"  - name: b\n    receivers: [sales, managers, sales]\n"))
	require.NoError(t, err)
	require.Equal(t, []string{"sales", "managers"}, rules.Routes[1].Receivers, "listed once")

	errs := rules.Validate(map[string]bool{"managers": true})
	require.Len(t, errs, 2)
	require.EqualError(t, errs[0], `rules.yaml:5: unknown receiver "sales" in route "a" (not in cluebot.yaml receivers)`)
	require.EqualError(t, errs[1], `rules.yaml:7: unknown receiver "sales" in route "b" (not in cluebot.yaml receivers)`)
	require.Empty(t, rules.Validate(map[string]bool{"managers": true, "sales": true}))

	// A receiver that is known but takes no alerts (an email receiver,
	// for the daily report only) cannot be a route's.
	errs = rules.Validate(map[string]bool{"managers": true, "sales": false})
	require.Len(t, errs, 2)
	require.EqualError(t, errs[0], `rules.yaml:5: receiver "sales" in route "a" takes no alerts (an email receiver takes the daily report only)`)
}

// TestCheckReportsEveryProblem is the example of issue 12: a bad pattern
// and an unknown receiver, in one route or in two, are both reported, in
// line order, and the rules come back as far as they were read.
func TestCheckReportsEveryProblem(t *testing.T) {
	known := map[string]bool{"sales": true}
	tests := []struct {
		name, src string
		want      []string
	}{
		{"one route", `routes: [{name: x, match: {page_name: "re:(["}, receivers: [nobody]}]`, []string{
			`rules.yaml:1: bad regexp "(["`,
			`rules.yaml:1: unknown receiver "nobody" in route "x" (not in cluebot.yaml receivers)`,
		}},
		{"two routes", "routes:\n  - name: x\n    match: {page_name: \"re:([\"}\n    receivers: [sales]\n" +
			"  - name: y\n    receivers: [nobody]\n", []string{
			`rules.yaml:3: bad regexp "(["`,
			`rules.yaml:6: unknown receiver "nobody" in route "y" (not in cluebot.yaml receivers)`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rules, err := Check("rules.yaml", []byte(tc.src), known)
			require.Error(t, err)
			lines := strings.Split(err.Error(), "\n")
			require.Len(t, lines, len(tc.want), err.Error())
			for i, w := range tc.want {
				require.True(t, strings.HasPrefix(lines[i], w), "line %d: %q does not start with %q", i, lines[i], w)
			}
			require.NotNil(t, rules, "the rules as far as they were read")
			require.Equal(t, "x", rules.Routes[0].Name)
		})
	}
	rules, err := Check("rules.yaml", []byte("routes: [{name: x, receivers: [nobody]}]"), nil)
	require.NoError(t, err, "nil receivers: no receiver check, as Parse")
	require.Len(t, rules.Routes, 1)
}

func TestParseAnchorsAndMerge(t *testing.T) {
	src := `routes:
  - name: a
    active: &office {days: [mon-fri], from: "09:00", to: "18:00"}
    mention: &team
      round_robin: [{name: 张三}, {name: 李四}]
    receivers: &rx [x]
  - <<: &base {receivers: [y], continue: true}
    name: b
    active: *office
    mention: *team
  - {<<: *base, name: c, continue: false}
  - {<<: {name: d}, receivers: [z]}
`
	rules, err := Parse("rules.yaml", []byte(src))
	require.NoError(t, err)
	require.Len(t, rules.Routes, 4)
	require.Equal(t, "d", rules.Routes[3].Name, "a merged name")
	b, c := rules.ByName("b"), rules.ByName("c")
	require.Equal(t, []string{"y"}, b.Receivers)
	require.True(t, b.Continue)
	require.False(t, c.Continue, "explicit keys win over merged ones")
	require.Equal(t, rules.Routes[0].active, b.active)
	require.Len(t, b.Mention.RoundRobin, 2)
	require.Nil(t, rules.ByName("missing"))
}

func TestLoad(t *testing.T) {
	_, err := Load("testdata/missing.yaml")
	require.ErrorIs(t, err, os.ErrNotExist)

	_, err = Load("testdata/bad.yaml")
	var pe *PosError
	require.True(t, errors.As(err, &pe))
	require.Equal(t, "testdata/bad.yaml", pe.File)
	require.Equal(t, 4, pe.Line)
}

// TestLoadNamesAMissingFile: a rules file that cannot be read is reported
// like its other problems, starting with the file's name, so `config
// check` still prints every problem as file: message.
func TestLoadNamesAMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rules.yaml")
	for name, load := range map[string]func() error{
		"Load":        func() error { _, err := Load(path); return err },
		"LoadChecked": func() error { _, err := LoadChecked(path, map[string]bool{}); return err },
		"ReadFile":    func() error { _, err := ReadFile(path); return err },
	} {
		err := load()
		require.EqualError(t, err, path+": cannot read the rules file: no such file or directory", name)
		require.ErrorIs(t, err, fs.ErrNotExist, name)
	}
}
