package route_test

import (
	"context"
	stdjson "encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/fileerr/fileerrtest"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/transform"
)

const fuzzFile = "rules.yaml"

// seedRules returns the shipped rules.yaml, the package's example and
// broken files, and small files that probe anchors, merges, odd scalars and
// every kind of pattern.
func seedRules(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, file := range []string{"../rules.yaml", "testdata/interface-example.yaml", "testdata/bad.yaml"} {
		data, err := os.ReadFile(file)
		require.NoError(tb, err)
		out = append(out, data)
	}
	for _, s := range []string{
		"", "routes:\n", "routes: []\n", "- a\n- b\n", "routes: x\n", "~\n", "!!binary aGk=\n",
		"routes:\n  - {name: a, receivers: [r]}\n  - {name: a, receivers: r}\n",
		"base: &b {receivers: [r], match: {province: 河南}}\nroutes:\n  - {<<: *b, name: a}\n  - {<<: [*b, *b], name: b, continue: true}\n",
		"routes:\n  - name: a\n    receivers: []\n    match: {page_name: \"re:^(郑州|洛阳)$\", city: \"*宝马*\", store: '\\*', form: {下拉单选: [\"宝马*\", \"re:(?i)bmw\"]}}\n",
		"routes:\n  - name: a\n    receivers: [r]\n    match: {intention: [高价值客户, 13, \"*意向*\", \"re:^无\"], advertiser_id: [\"2000*\", 20006545, \"re:45$\"]}\n    not: {phone_stat: [\"*空号*\"], clue_tag: 无效}\n",
		"routes:\n  - name: a\n    receivers: [r]\n    active: [{days: [sat-mon, fri], from: \"22:00\", to: \"02:00\"}, {from: \"0:00\", to: \"24:00\"}]\n",
		"routes:\n  - name: a\n    receivers: [r]\n    mention: {round_robin: [{name: 张三, mobile: \"+8613800000001\", wecom_userid: z, feishu_open_id: ou_1}]}\n    template: vip.v2\n",
		"fields: {province: {form: 下拉单选, level: 2}, city: {form: x, level: -100}, store: {level: 101}}\nroutes: [{name: a, receivers: []}]\n",
		"routes:\n  - name: \"\\u202e\\u200b\"\n    receivers: [\"\\n\"]\n    match: {page_name: \"re:[\"}\n",
		"routes:\n  - name: a\n    receivers: [r]\n    match: {province: null, city: [], store: {a: b}, page_id: 99999999999999999999999}\n",
		"routes:\n  - name: a\n    receivers: [r]\n    continue: !!str true\n  - &x {name: b, receivers: [r]}\n  - *x\n",
		"calendar:\n  holidays: [2026-10-01, 2026-10-01, 1999-01-01, x]\n  workdays: {2026-10-11: fri, 2026-10-01: sat, 2026-10-12: mon}\nroutes:\n  - name: a\n    receivers: [r]\n    active: {days: [fri], from: \"20:00\", to: \"08:00\"}\n",
		"routes:\n  - name: a\n    receivers: []\n    followup: {within: 15m, remind: true, escalate: {after: 10m, receivers: [m, m, \"\"]}, business_hours: no}\n  - name: b\n    receivers: [r]\n    followup: {within: 1h, escalate: {after: 2h, receivers: [m]}, x: 1}\n",
		strings.Repeat("- ", 2000) + "x\n",
		"a: &a [*a]\n",
	} {
		out = append(out, []byte(s))
	}
	return out
}

// requireParseResult checks the contract of Parse's result for data.
func requireParseResult(t *testing.T, data []byte, rules *route.Rules, err error) {
	t.Helper()
	if err != nil {
		require.Nil(t, rules)
		fileerrtest.RequireList(t, err, fuzzFile, data)
		return
	}
	require.NotNil(t, rules)
	require.Equal(t, fuzzFile, rules.File)
	require.Equal(t, clue.VendorZone, rules.Zone)
	require.NotEmpty(t, rules.Routes, "a rules file that parses has routes")
	for _, ref := range []transform.FieldRef{rules.Fields.Province, rules.Fields.City, rules.Fields.Store} {
		require.Equal(t, strings.TrimSpace(ref.Form), ref.Form)
		require.True(t, ref.Level >= -100 && ref.Level <= 100, "level %d", ref.Level)
	}
	names := map[string]bool{}
	known := map[string]bool{}
	prevLine := 0
	for _, rt := range rules.Routes {
		require.NotEmpty(t, rt.Name)
		require.Equal(t, strings.TrimSpace(rt.Name), rt.Name)
		require.False(t, names[rt.Name], "route names are unique: %q", rt.Name)
		names[rt.Name] = true
		require.Same(t, rt, rules.ByName(rt.Name))
		require.Greater(t, rt.Line, 0)
		require.GreaterOrEqual(t, rt.Line, prevLine, "routes keep the file's order")
		prevLine = rt.Line
		seen := map[string]bool{}
		for _, r := range rt.Receivers {
			require.NotEmpty(t, r)
			require.Equal(t, strings.TrimSpace(r), r)
			require.False(t, seen[r], "receivers are kept once")
			seen[r] = true
			known[r] = true
		}
		if rt.Template != "" {
			require.Regexp(t, `^[A-Za-z0-9_][A-Za-z0-9_.-]*$`, rt.Template)
		}
		for _, m := range rt.Mention.RoundRobin {
			require.NotEmpty(t, m.Name)
			if m.Mobile != "" {
				require.Regexp(t, `^\+?[0-9]{5,15}$`, m.Mobile)
			}
		}
	}
	require.Empty(t, rules.Validate(known), "every receiver a route names is known")
	for _, e := range rules.Validate(nil) {
		var pe *route.PosError
		require.ErrorAs(t, e, &pe)
		require.Equal(t, fuzzFile, pe.File)
		require.Greater(t, pe.Line, 0)
	}
}

// FuzzParse compiles arbitrary bytes as a rules file. It never panics (nor
// overflows the stack); a failure is route.Errors of *PosError in this file,
// in line order, one problem a line, each line shaped "file:line: message"
// (or "file: message" when there is no line); a success has at least one
// route, unique trimmed names in file order, receivers kept once, templates
// that are names, members with a name and a valid mobile, field levels in
// -100..100, and Validate finds exactly the receivers the routes name.
// Parsing is deterministic.
func FuzzParse(f *testing.F) {
	for _, s := range seedRules(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, err := route.Parse(fuzzFile, data)
		requireParseResult(t, data, rules, err)
		again, err2 := route.Parse(fuzzFile, data)
		if err != nil {
			require.EqualError(t, err2, err.Error(), "Parse is deterministic")
			return
		}
		require.NoError(t, err2)
		require.Len(t, again.Routes, len(rules.Routes))
	})
}

// fuzzLead is a lead whose every text field routing reads is text, whose
// every code and advertiser id is code, with the cascade answer of the
// shipped rules split from text at "/".
func fuzzLead(text string, code int64) transform.Lead {
	levels := strings.Split(text, "/")
	return transform.Lead{
		ID: "1", AdvertiserID: code, PageID: text, PageName: text, Province: text, City: text, Store: text,
		CampaignID: text, UnitID: text, CreativeID: text,
		IntentionID: code, SourceType: code, ChannelFlag: code, ClueTag: code, BizID: code, SeaType: code, PhoneStat: code,
		Answers: []transform.Answer{
			{Label: "下拉单选", Value: text, Levels: levels, Type: transform.CascadeType},
			{Label: text, Value: text},
		},
	}
}

// sampleClue decodes the vendor's sample clue.
func sampleClue(tb testing.TB) clue.Clue {
	tb.Helper()
	data, err := os.ReadFile("../transform/testdata/clue-list-sample.json")
	require.NoError(tb, err)
	var page struct {
		Data struct {
			Details []stdjson.RawMessage `json:"details"`
		} `json:"data"`
	}
	require.NoError(tb, stdjson.Unmarshal(data, &page))
	require.NotEmpty(tb, page.Data.Details)
	c, err := clue.Decode(page.Data.Details[0])
	require.NoError(tb, err)
	return c
}

// linearRoute is routing as documented, without the index: every route
// active at now whose conditions take the lead, in file order, up to and
// including the first one without continue.
func linearRoute(rules *route.Rules, l *transform.Lead, now time.Time) []string {
	var out []string
	for _, rt := range rules.Routes {
		if rt.ActiveAt(now, rules.Zone) && rt.Matches(l) {
			out = append(out, rt.Name)
			if !rt.Continue {
				break
			}
		}
	}
	return out
}

// FuzzRoute parses an arbitrary rules file and, when it compiles, routes the
// vendor's sample lead, an empty lead and a lead built from the fuzzed text
// and code at a fuzzed minute of the week. Routing never panics; it takes
// exactly the routes a plain walk of the file in order takes (the index
// changes only speed), each route once, in file order, every one but the
// last with continue; RouteInto appends the same; and round-robin
// assignment picks one of the route's members.
func FuzzRoute(f *testing.F) {
	for _, s := range seedRules(f) {
		f.Add(s, "宝马2系/河南/郑州/二七区/哈登店", int64(3), uint16(600))
		f.Add(s, "河南", int64(13), uint16(1500))
	}
	f.Add([]byte("routes:\n  - {name: a, receivers: [r], match: {advertiser_id: \"re:^-\"}}\n"), "x", int64(-1), uint16(0))
	f.Add([]byte("routes:\n  - {name: a, receivers: [r], match: {city: \"re:^$\"}, continue: true}\n  - {name: b, receivers: [r]}\n"), "", int64(0), uint16(10079))
	base := time.Date(2024, 5, 5, 0, 0, 0, 0, clue.VendorZone) // a Sunday
	sample := sampleClue(f)
	f.Fuzz(func(t *testing.T, data []byte, text string, code int64, minute uint16) {
		rules, err := route.Parse(fuzzFile, data)
		if err != nil {
			return
		}
		now := base.Add(time.Duration(minute%(7*24*60)) * time.Minute)
		leads := []transform.Lead{transform.New(&sample, transform.Options{Fields: rules.Fields}), {}, fuzzLead(text, code)}
		rot := &route.MemoryRotation{}
		for i := range leads {
			l := &leads[i]
			matches := rules.Route(l, now)
			var got []string
			pos := map[*route.Route]int{}
			for i, rt := range rules.Routes {
				pos[rt] = i
			}
			last := -1
			for i, m := range matches {
				p, ok := pos[m.Route]
				require.True(t, ok, "a match is one of the file's routes")
				require.Greater(t, p, last, "matches come once each, in file order")
				last = p
				if i < len(matches)-1 {
					require.True(t, m.Route.Continue, "only a route with continue lets the lead go on")
				}
				got = append(got, m.Route.Name)
				mem, err := m.Route.Assign(context.Background(), rot)
				require.NoError(t, err)
				if len(m.Route.Mention.RoundRobin) == 0 {
					require.Nil(t, mem)
				} else {
					require.NotNil(t, mem)
					require.Contains(t, m.Route.Mention.RoundRobin, *mem)
				}
			}
			require.Equal(t, linearRoute(rules, l, now), got, "the index agrees with the file's order")
			into := rules.RouteInto(make([]route.Match, 0, 1), l, now)
			require.Equal(t, len(matches), len(into))
			for i := range into {
				require.Same(t, matches[i].Route, into[i].Route, "RouteInto appends what Route returns")
			}
		}
	})
}
