package route

import (
	"fmt"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/transform"
)

var benchProvinces = []string{
	"北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏",
	"浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西",
	"海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏",
}

// hundredRoutes is a rules file with 100 routes of every kind a large
// account might write; the bench lead only matches the last one.
func hundredRoutes() string {
	var b strings.Builder
	b.WriteString("fields:\n  province: {form: 下拉单选, level: 2}\nroutes:\n")
	route := func(name, body string) {
		fmt.Fprintf(&b, "  - name: %s\n%s    receivers: [r%d]\n", name, body, len(name)%4)
	}
	for i, p := range benchProvinces { // 30: province, intention, office hours
		route(fmt.Sprintf("hot-%d", i), fmt.Sprintf("    match: {province: [%s, %s省], intention: [高价值客户, 高意向]}\n"+
			"    active: {days: [mon-fri], from: \"09:00\", to: \"18:00\"}\n", p, p))
	}
	for i := range 30 { // 30: cities, source type, not invalid
		route(fmt.Sprintf("city-%d", i), fmt.Sprintf("    match: {city: [城%d, 城%d, 城%d], source_type: 表单}\n"+
			"    not: {clue_tag: 无效}\n", i, i+30, i+60))
	}
	for i := range 20 { // 20: page name globs and channel
		route(fmt.Sprintf("page-%d", i), fmt.Sprintf("    match: {page_name: \"*宝马X%d*\", channel_flag: 广告流量}\n", i))
	}
	for i := range 10 { // 10: form answers and call status
		route(fmt.Sprintf("form-%d", i), fmt.Sprintf("    match: {form: {下拉单选: \"奔驰%d*\"}, phone_stat: \"*接通*\"}\n", i))
	}
	for i := range 9 { // 9: regexps on the page, per advertiser
		route(fmt.Sprintf("re-%d", i), fmt.Sprintf("    match: {advertiser_id: [%d, 20006545], page_name: \"re:^(测试|test)%d\\\\d+\"}\n", 1000+i, i))
	}
	route("everything-else", "")
	return b.String()
}

// benchCalendar is a year of Chinese public holidays and make-up workdays,
// as rules.yaml would hold them; the bench day, 2024-06-05, is none of them.
const benchCalendar = `calendar:
  holidays: [2024-01-01, 2024-02-10, 2024-02-11, 2024-02-12, 2024-02-13, 2024-02-14, 2024-02-15,
    2024-02-16, 2024-02-17, 2024-04-04, 2024-04-05, 2024-04-06, 2024-05-01, 2024-05-02, 2024-05-03,
    2024-05-04, 2024-05-05, 2024-06-10, 2024-09-15, 2024-09-16, 2024-09-17, 2024-10-01, 2024-10-02,
    2024-10-03, 2024-10-04, 2024-10-05, 2024-10-06, 2024-10-07]
  workdays: {2024-02-04: mon, 2024-02-18: mon, 2024-04-07: fri, 2024-04-28: mon, 2024-05-11: fri,
    2024-09-14: mon, 2024-09-29: mon, 2024-10-12: mon}
`

func benchSetup(tb testing.TB) (*Rules, transform.Lead) {
	return benchRules(tb, "")
}

// benchRules is benchSetup with extra text (a calendar) before the routes.
func benchRules(tb testing.TB, extra string) (*Rules, transform.Lead) {
	rules, err := Parse("bench.yaml", []byte(extra+hundredRoutes()))
	require.NoError(tb, err)
	require.Len(tb, rules.Routes, 100)
	l := henanLead()
	l.IntentionID, l.PhoneStat = 0, 0
	return rules, l
}

func TestHundredRoutesTakeOnlyTheLast(t *testing.T) {
	rules, l := benchSetup(t)
	require.Equal(t, []string{"everything-else"}, routeNames(rules, &l, noon))
	l.IntentionID = 13
	require.Equal(t, []string{"hot-15"}, routeNames(rules, &l, noon))
	l.IntentionID, l.PageName = 0, "test34"
	require.Equal(t, []string{"re-3"}, routeNames(rules, &l, noon))
}

func TestRouteAllocations(t *testing.T) {
	for _, extra := range []string{"", benchCalendar} {
		routeAllocations(t, extra)
	}
}

func routeAllocations(t *testing.T, extra string) {
	rules, l := benchRules(t, extra)
	hot, regexpLead := l, l
	hot.IntentionID = 3
	regexpLead.PageName = "test31"
	if raceEnabled() {
		t.Skip("the race detector makes sync.Pool (inside regexp) allocate")
	}
	buf := make([]Match, 0, 4)
	for _, l := range []transform.Lead{l, hot, regexpLead} {
		require.Zero(t, testing.AllocsPerRun(200, func() { buf = rules.RouteInto(buf[:0], &l, noon) }))
		require.LessOrEqual(t, testing.AllocsPerRun(200, func() { _ = rules.Route(&l, noon) }), 1.0)
	}
}

// raceEnabled reports whether the test binary runs under the race detector.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// BenchmarkRoute100 routes a lead through 100 routes, the last of which takes
// it, reusing the match buffer as the pipeline does.
func BenchmarkRoute100(b *testing.B) {
	rules, l := benchSetup(b)
	buf := make([]Match, 0, 4)
	b.ReportAllocs()
	for b.Loop() {
		buf = rules.RouteInto(buf[:0], &l, noon)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "leads/s")
}

// BenchmarkRoute100Calendar is BenchmarkRoute100 with a year's holidays
// and make-up workdays in the rules.
func BenchmarkRoute100Calendar(b *testing.B) {
	rules, l := benchRules(b, benchCalendar)
	require.NotNil(b, rules.Calendar())
	buf := make([]Match, 0, 4)
	b.ReportAllocs()
	for b.Loop() {
		buf = rules.RouteInto(buf[:0], &l, noon)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "leads/s")
}

// BenchmarkRoute100NewSlice is BenchmarkRoute100 with a fresh result slice
// per lead (Rules.Route).
func BenchmarkRoute100NewSlice(b *testing.B) {
	rules, l := benchSetup(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = rules.Route(&l, noon)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "leads/s")
}

// BenchmarkClockAt is what routing pays once per lead to read the time,
// without and with a calendar.
func BenchmarkClockAt(b *testing.B) {
	rules, _ := benchRules(b, benchCalendar)
	for _, bc := range []struct {
		name string
		cal  *Calendar
	}{{"no-calendar", nil}, {"calendar", rules.Calendar()}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var sink clock
			for b.Loop() {
				sink = clockAt(noon, nil, bc.cal)
			}
			_ = sink
		})
	}
}
