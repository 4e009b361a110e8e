package rulesdiff

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

const baseRules = `
routes:
  - name: henan
    match: {province: 河南}
    receivers: [henan-sales]
    mention:
      round_robin:
        - {name: 张三, mobile: "13800000001"}
        - {name: 李四, mobile: "13800000002"}
  - name: guangdong
    match: {province: 广东}
    receivers: [gd-sales]
  - name: everything-else
    receivers: [managers]
`

// day is a Monday, 10:00 in Beijing.
var day = time.Date(2025, 3, 3, 10, 0, 0, 0, beijing)

var replayLeads = []lead{
	{n: 1, province: "河南", city: "郑州", intention: 3, at: day},
	{n: 2, province: "河南", city: "洛阳", intention: 3, at: day.Add(time.Minute)},
	{n: 3, province: "河南", city: "郑州", intention: 3, at: day.Add(10 * time.Hour)}, // 20:00
	{n: 4, province: "广东", city: "深圳", intention: 3, at: day.Add(2 * time.Minute)},
	{n: 5, province: "广东", city: "广州", intention: 3, at: day.Add(3 * time.Minute)},
	{n: 6, province: "上海", city: "上海", intention: 3, at: day.Add(4 * time.Minute)},
}

func TestRulesReplay(t *testing.T) {
	testReplay(t, openSQLite(t, replayLeads...))
}

// TestRulesReplayPostgres runs the same cases from PostgreSQL, with
// CLUEBOT_TEST_POSTGRES.
func TestRulesReplayPostgres(t *testing.T) {
	testReplay(t, openPostgres(t, replayLeads...))
}

func testReplay(t *testing.T, st Iterator) {
	tests := []struct {
		name     string
		after    string
		opts     Options
		changed  int
		routes   map[string]Count
		recv     map[string]Count
		unrouted Count
		examples []Example
	}{
		{name: "the same rules change nothing", after: baseRules,
			routes: map[string]Count{"henan": {3, 3}, "guangdong": {2, 2}, "everything-else": {1, 1}},
			recv:   map[string]Count{"henan-sales": {3, 3}, "gd-sales": {2, 2}, "managers": {1, 1}}},
		{name: "removing henan moves exactly the henan leads",
			after:   withoutHenan,
			changed: 3,
			routes:  map[string]Count{"henan": {3, 0}, "guangdong": {2, 2}, "everything-else": {1, 4}},
			recv:    map[string]Count{"henan-sales": {3, 0}, "gd-sales": {2, 2}, "managers": {1, 4}},
			examples: []Example{
				{ID: "2974516040085363000001", UserName: "客户1", Phone: "138****0001", Before: []string{"henan"}, After: []string{"everything-else"}},
				{ID: "2974516040085363000002", UserName: "客户2", Phone: "138****0002", Before: []string{"henan"}, After: []string{"everything-else"}},
				{ID: "2974516040085363000003", UserName: "客户3", Phone: "138****0003", Before: []string{"henan"}, After: []string{"everything-else"}},
			}},
		{name: "other people on duty are no change",
			after:  strings.Replace(baseRules, "name: 李四", "name: 王五", 1),
			routes: map[string]Count{"henan": {3, 3}, "guangdong": {2, 2}, "everything-else": {1, 1}},
			recv:   map[string]Count{"henan-sales": {3, 3}, "gd-sales": {2, 2}, "managers": {1, 1}}},
		{name: "another receiver on the same route is a change",
			after:   strings.Replace(baseRules, "receivers: [henan-sales]", "receivers: [henan-sales, managers]", 1),
			changed: 3,
			routes:  map[string]Count{"henan": {3, 3}, "guangdong": {2, 2}, "everything-else": {1, 1}},
			recv:    map[string]Count{"henan-sales": {3, 3}, "gd-sales": {2, 2}, "managers": {1, 4}},
			opts:    Options{Examples: -1}},
		{name: "a lead's create_time decides active windows",
			after:   strings.Replace(baseRules, "receivers: [henan-sales]", "receivers: [henan-sales]\n    active: {from: \"09:00\", to: \"18:00\"}", 1),
			changed: 1,
			routes:  map[string]Count{"henan": {3, 2}, "guangdong": {2, 2}, "everything-else": {1, 2}},
			recv:    map[string]Count{"henan-sales": {3, 2}, "gd-sales": {2, 2}, "managers": {1, 2}},
			examples: []Example{
				{ID: "2974516040085363000003", UserName: "客户3", Phone: "138****0003", Before: []string{"henan"}, After: []string{"everything-else"}},
			}},
		{name: "without a catch-all leads fall unrouted",
			after:    strings.TrimSuffix(baseRules, "  - name: everything-else\n    receivers: [managers]\n"),
			changed:  1,
			routes:   map[string]Count{"henan": {3, 3}, "guangdong": {2, 2}, "everything-else": {1, 0}},
			recv:     map[string]Count{"henan-sales": {3, 3}, "gd-sales": {2, 2}, "managers": {1, 0}},
			unrouted: Count{0, 1},
			examples: []Example{
				{ID: "2974516040085363000006", UserName: "客户6", Phone: "138****0006", Before: []string{"everything-else"}, After: []string{}},
			}},
		{name: "examples are capped", after: withoutHenan, changed: 3, opts: Options{Examples: 1},
			routes: map[string]Count{"henan": {3, 0}, "guangdong": {2, 2}, "everything-else": {1, 4}},
			recv:   map[string]Count{"henan-sales": {3, 0}, "gd-sales": {2, 2}, "managers": {1, 4}},
			examples: []Example{
				{ID: "2974516040085363000001", UserName: "客户1", Phone: "138****0001", Before: []string{"henan"}, After: []string{"everything-else"}},
			}},
		{name: "a continue route adds a route",
			after:   strings.Replace(baseRules, "receivers: [gd-sales]", "receivers: [gd-sales]\n    continue: true", 1),
			changed: 2,
			routes:  map[string]Count{"henan": {3, 3}, "guangdong": {2, 2}, "everything-else": {1, 3}},
			recv:    map[string]Count{"henan-sales": {3, 3}, "gd-sales": {2, 2}, "managers": {1, 3}},
			opts:    Options{Examples: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.Zone = beijing
			res, err := Replay(t.Context(), st, parse(t, baseRules), parse(t, tt.after), store.ClueFilter{}, opts)
			require.NoError(t, err)
			require.Equal(t, len(replayLeads), res.Leads)
			require.Equal(t, tt.changed, res.Changed)
			require.Equal(t, tt.routes, flat(res.Routes))
			require.Equal(t, tt.recv, flat(res.Receivers))
			require.Equal(t, tt.unrouted, res.Unrouted)
			if tt.examples == nil {
				tt.examples = []Example{}
			}
			require.Equal(t, tt.examples, res.Examples)
		})
	}
}

const withoutHenan = `
routes:
  - name: guangdong
    match: {province: 广东}
    receivers: [gd-sales]
  - name: everything-else
    receivers: [managers]
`

func flat(m map[string]*Count) map[string]Count {
	out := map[string]Count{}
	for k, v := range m {
		out[k] = *v
	}
	return out
}

func TestRulesReplayWindow(t *testing.T) {
	st := openSQLite(t, replayLeads...)
	f := store.ClueFilter{From: day.Add(time.Minute), To: day.Add(4 * time.Minute)}
	res, err := Replay(t.Context(), st, parse(t, baseRules), parse(t, withoutHenan), f, Options{Zone: beijing})
	require.NoError(t, err)
	require.Equal(t, 3, res.Leads, "leads 2, 4 and 5 are in [from, to)")
	require.Equal(t, 1, res.Changed)
	require.Equal(t, Count{1, 0}, *res.Routes["henan"])
}

func TestRulesReplayUndecodable(t *testing.T) {
	bad := lead{n: 9, province: "河南", at: day, raw: `{"id": "29745160400853630000`}
	st := openSQLite(t, replayLeads[0], bad)
	res, err := Replay(t.Context(), st, parse(t, baseRules), parse(t, withoutHenan), store.ClueFilter{}, Options{Zone: beijing})
	require.NoError(t, err)
	require.Equal(t, 2, res.Leads)
	require.Equal(t, 1, res.Undecodable)
	require.Equal(t, Count{1, 1}, res.Unrouted, "a lead the router cannot decode stays unrouted on both sides")
	require.Equal(t, 1, res.Changed)
}

func TestRulesReplayFieldMapping(t *testing.T) {
	// No store_info: the province comes from a form answer, level 2 of a
	// cascade, only under the candidate's field mapping.
	raw := `{"id": 2974516040085363000007, "user_name": "客户7", "phone": "13800000007", "create_time": "2025-03-03 10:00:00",
	  "details": [{"key": "下拉单选", "value": "[\"宝马2系\",\"河南\",\"郑州\"]", "comp_type": "级联单选"}]}`
	st := openSQLite(t, lead{n: 7, at: day, raw: raw})
	after := "fields:\n  province: {form: 下拉单选, level: 2}\n" + baseRules
	res, err := Replay(t.Context(), st, parse(t, baseRules), parse(t, after), store.ClueFilter{}, Options{Zone: beijing})
	require.NoError(t, err)
	require.Equal(t, 1, res.Changed)
	require.Equal(t, []Example{{ID: "2974516040085363000007", UserName: "客户7", Phone: "138****0007",
		Before: []string{"everything-else"}, After: []string{"henan"}}}, res.Examples)
}

func TestRulesResultText(t *testing.T) {
	st := openSQLite(t, replayLeads...)
	res, err := Replay(t.Context(), st, parse(t, baseRules), parse(t, withoutHenan), store.ClueFilter{}, Options{Zone: beijing})
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, res.WriteText(&b, "7d"))
	out := b.String()
	require.Contains(t, out, "6 leads stored in the last 7d; 3 would go elsewhere.")
	require.Regexp(t, `routes \(before → after\):\n  everything-else +1 → 4 \(\+3\)\n  henan +3 → 0 \(-3\)\n  guangdong +2 → 2\n`, out)
	require.Contains(t, out, "unrouted: 0 → 0\n")
	require.Contains(t, out, "  2974516040085363000001 客户1 138****0001: henan → everything-else\n")
	require.NotContains(t, out, "13800000001", "phones are masked")
}
