package route

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/transform"
)

const orderRules = `
routes:
  - name: henan-hot
    match: {province: 河南, intention: [高价值客户, 高意向]}
    receivers: [henan-sales]
    continue: true
  - name: henan
    match: {province: 河南}
    receivers: [henan-sales]
  - name: zhengzhou
    match: {city: 郑州}
    receivers: [zz]
  - name: calls
    match: {source_type: 智能电话}
    receivers: [calls-team]
    continue: true
  - name: everything-else
    receivers: [managers]
`

func TestRouteOrder(t *testing.T) {
	rules := mustParse(t, orderRules)
	tests := []struct {
		name string
		edit func(*transform.Lead)
		want []string
	}{
		{"continue then first match wins", nil, []string{"henan-hot", "henan"}},
		{"first match wins over later matches", func(l *transform.Lead) { l.IntentionID = 0 }, []string{"henan"}},
		{"continue into the catch-all", func(l *transform.Lead) { l.Province, l.City, l.SourceType = "广东", "广州", 2 },
			[]string{"calls", "everything-else"}},
		{"catch-all", func(l *transform.Lead) { l.Province, l.City = "广东", "广州" }, []string{"everything-else"}},
		{"later specific route", func(l *transform.Lead) { l.Province = "" }, []string{"zhengzhou"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := henanLead()
			if tc.edit != nil {
				tc.edit(&l)
			}
			require.Equal(t, tc.want, routeNames(rules, &l, noon))
		})
	}
	require.True(t, rules.ByName("everything-else").CatchAll())
	require.False(t, rules.ByName("henan").CatchAll())
}

func TestUnrouted(t *testing.T) {
	rules := mustParse(t, `
routes:
  - name: henan
    match: {province: 河南}
    receivers: [henan-sales]
  - name: guangdong
    match: {province: 广东}
    receivers: [guangdong-sales]
`)
	l := henanLead()
	l.Province = "湖南"
	require.Empty(t, rules.Route(&l, noon))
	require.Nil(t, rules.Route(&l, noon), "no match, no allocation")
}

func TestRouteIntoReusesBuffer(t *testing.T) {
	rules := mustParse(t, orderRules)
	l := henanLead()
	buf := make([]Match, 0, 8)
	got := rules.RouteInto(buf[:0], &l, noon)
	require.Len(t, got, 2)
	require.Same(t, &buf[:1][0], &got[0], "appended into the caller's buffer")
	require.Equal(t, "henan-hot", got[0].Route.Name)
	require.Equal(t, []string{"henan-sales"}, got[0].Route.Receivers)

	prefix := rules.RouteInto([]Match{{Route: rules.ByName("calls")}}, &l, noon)
	require.Len(t, prefix, 3, "appends after what dst holds")
}

func TestRouteFieldsParsed(t *testing.T) {
	rules := mustParse(t, `
fields:
  province: {form: 下拉单选, level: 2}
  city: {form: 下拉单选, level: 3}
  store: {form: 下拉单选, level: -1}
routes:
  - name: a
    receivers: [x]
    template: lead.v2
    mention:
      round_robin:
        - {name: 张三, mobile: "+8613800000001", wecom_userid: zhangsan, feishu_open_id: ou_1}
        - {name: 李四, mobile: 13800000002}
`)
	require.Equal(t, transform.Fields{
		Province: transform.FieldRef{Form: "下拉单选", Level: 2},
		City:     transform.FieldRef{Form: "下拉单选", Level: 3},
		Store:    transform.FieldRef{Form: "下拉单选", Level: -1},
	}, rules.Fields)
	rt := rules.Routes[0]
	require.Equal(t, "lead.v2", rt.Template)
	require.Equal(t, 7, rt.Line)
	require.False(t, rt.Continue)
	require.Equal(t, []Member{
		{Name: "张三", Mobile: "+8613800000001", WeComUserID: "zhangsan", FeishuOpenID: "ou_1"},
		{Name: "李四", Mobile: "13800000002"},
	}, rt.Mention.RoundRobin)
}

func TestRulesNotFromParse(t *testing.T) {
	rules := &Rules{Routes: []*Route{{Name: "all", Receivers: []string{"x"}}}}
	l := henanLead()
	require.Equal(t, []string{"all"}, routeNames(rules, &l, noon), "no index, no zone: still routes")
	require.Empty(t, (&Rules{}).Route(&l, noon))
}

// TestReadsAnswers: form conditions, in match or not, and a field mapping
// read answers; places and enums do not.
func TestReadsAnswers(t *testing.T) {
	tests := []struct {
		name  string
		rules string
		want  bool
	}{
		{"places and enums", "routes:\n  - name: a\n    match: {province: 河南, intention: 3}\n    receivers: [x]\n", false},
		{"catch-all", "routes:\n  - name: a\n    receivers: [x]\n", false},
		{"form match", "routes:\n  - name: a\n    match: {form: {车型: \"*3系*\"}}\n    receivers: [x]\n", true},
		{"form not", "routes:\n  - name: a\n    match: {province: 河南}\n    not: {form: {车型: 宝马}}\n    receivers: [x]\n" +
			"  - name: b\n    receivers: [x]\n", true},
		{"field mapping", "fields:\n  city: {form: 城市}\nroutes:\n  - name: a\n    receivers: [x]\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse("rules.yaml", []byte(tt.rules))
			require.NoError(t, err)
			require.Equal(t, tt.want, r.ReadsAnswers())
		})
	}
}
