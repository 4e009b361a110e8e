package route

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/transform"
)

// shippedRules loads the example rules.yaml at the repository's root, in the
// zone the demo runs in.
func shippedRules(t *testing.T) *Rules {
	t.Helper()
	rules, err := Load("../rules.yaml")
	require.NoError(t, err)
	rules.Zone = shanghai(t)
	return rules
}

// sampleLead is the vendor's sample clue as a lead, with the shipped fields.
func sampleLead(t *testing.T, rules *Rules) transform.Lead {
	t.Helper()
	b, err := os.ReadFile("testdata/sample-clue.json")
	require.NoError(t, err)
	c, err := clue.Decode(b)
	require.NoError(t, err)
	return transform.New(&c, transform.Options{Zone: rules.Zone, Fields: rules.Fields})
}

func TestShippedRules(t *testing.T) {
	rules := shippedRules(t)
	require.Empty(t, rules.Validate(map[string]bool{
		"henan-sales": true, "guangdong-sales": true, "calls-team": true, "managers": true,
	}))
	var names []string
	for _, rt := range rules.Routes {
		names = append(names, rt.Name)
	}
	require.Equal(t, []string{"henan-hot", "guangdong", "smart-calls", "night-hot", "everything-else"}, names)

	sample := sampleLead(t, rules)
	require.Equal(t, []string{"河南", "郑州", "哈登店"}, []string{sample.Province, sample.City, sample.Store})
	require.Equal(t, "Sunday", sample.CreateTime.Weekday().String())
	// As the comments say: the sample is not hot, so it lands in everything-else.
	require.Equal(t, []string{"everything-else"}, routeNames(rules, &sample, sample.CreateTime))

	hot := func(l *transform.Lead) { l.IntentionID = 3 }
	tests := []struct {
		name  string
		edits []func(*transform.Lead)
		day   int // June 2024: 3 is a Monday
		clock string
		want  []string
	}{
		{"sample on a weekday", nil, 3, "10:00", []string{"everything-else"}},
		{"hot in office hours", []func(*transform.Lead){hot}, 3, "10:00", []string{"henan-hot", "everything-else"}},
		{"hot, new intention table", []func(*transform.Lead){func(l *transform.Lead) { l.IntentionID = 13 }},
			5, "17:59", []string{"henan-hot", "everything-else"}},
		{"hot on saturday morning", []func(*transform.Lead){hot}, 8, "11:00", []string{"henan-hot", "night-hot"}},
		{"hot on sunday", []func(*transform.Lead){hot}, 9, "16:10", []string{"night-hot"}},
		{"hot in the night", []func(*transform.Lead){hot}, 4, "02:00", []string{"night-hot"}},
		{"hot on monday before work", []func(*transform.Lead){hot}, 3, "05:00", []string{"night-hot"}},
		{"hot from luoyang", []func(*transform.Lead){hot, func(l *transform.Lead) { l.City = "洛阳" }},
			3, "10:00", []string{"everything-else"}},
		{"hot but not a BMW", []func(*transform.Lead){hot, func(l *transform.Lead) {
			l.Answers[2].Value, l.Answers[2].Levels = "奔驰C级/河南/郑州", []string{"奔驰C级", "河南", "郑州"}
		}},
			3, "10:00", []string{"everything-else"}},
		{"guangdong BMW page", []func(*transform.Lead){func(l *transform.Lead) { l.Province, l.PageName = "广东省", "广州宝马5系" }},
			3, "10:00", []string{"guangdong"}},
		{"guangdong BMW by regexp", []func(*transform.Lead){func(l *transform.Lead) { l.Province, l.PageName = "广东", "BMW X3 深圳" }},
			9, "03:00", []string{"guangdong"}},
		{"guangdong invalid", []func(*transform.Lead){func(l *transform.Lead) { l.Province, l.PageName, l.ClueTag = "广东", "宝马", 3 }},
			3, "10:00", []string{"everything-else"}},
		{"smart call", []func(*transform.Lead){func(l *transform.Lead) { l.SourceType = 2 }}, 3, "10:00", []string{"smart-calls"}},
		{"smart call to an empty number", []func(*transform.Lead){func(l *transform.Lead) { l.SourceType, l.PhoneStat = 2, 206 }},
			3, "10:00", []string{"everything-else"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := sampleLead(t, rules)
			for _, edit := range tc.edits {
				edit(&l)
			}
			require.Equal(t, tc.want, routeNames(rules, &l, at(t, tc.day, tc.clock)))
		})
	}
}

func TestShippedRulesAssign(t *testing.T) {
	rules := shippedRules(t)
	var rot MemoryRotation
	ctx := context.Background()
	henan := rules.ByName("henan-hot")
	var got []string
	for range 4 {
		m, err := henan.Assign(ctx, &rot)
		require.NoError(t, err)
		got = append(got, m.Name+" "+m.Mobile)
	}
	require.Equal(t, []string{"张三 13800000001", "李四 13800000002", "王五 13800000003", "张三 13800000001"}, got)

	calls, err := rules.ByName("smart-calls").Assign(ctx, &rot)
	require.NoError(t, err)
	require.Equal(t, "赵敏", calls.Name, "each route has its own turn")
	require.Equal(t, "ou_7d8a6e6df7621556ce0d21922b676706", calls.FeishuOpenID)

	none, err := rules.ByName("everything-else").Assign(ctx, &rot)
	require.NoError(t, err)
	require.Nil(t, none)
}

func TestInterfaceExample(t *testing.T) {
	rules, err := Load("testdata/interface-example.yaml")
	require.NoError(t, err)
	rules.Zone = shanghai(t)
	require.Empty(t, rules.Validate(map[string]bool{"henan-sales": true, "managers": true}))
	hot := rules.ByName("henan-hot")
	require.True(t, hot.Continue)
	require.Equal(t, "lead", hot.Template)
	require.Equal(t, Member{Name: "张三", Mobile: "13800000001", WeComUserID: "zhangsan", FeishuOpenID: "ou_123"},
		hot.Mention.RoundRobin[0])

	l := sampleLead(t, rules)
	l.PageName, l.IntentionID = "郑州宝马试驾", 2
	require.Equal(t, []string{"henan-hot", "everything-else"}, routeNames(rules, &l, at(t, 3, "10:00")))
	require.Equal(t, []string{"everything-else"}, routeNames(rules, &l, at(t, 3, "18:30")))
	l.City = "洛阳"
	require.Equal(t, []string{"everything-else"}, routeNames(rules, &l, at(t, 3, "10:00")))
}

// TestShippedFollowupAndCalendar: the shipped example's follow-up is read as
// its comments say, and its commented calendar works once uncommented.
func TestShippedFollowupAndCalendar(t *testing.T) {
	rules := shippedRules(t)
	f := rules.ByName("henan-hot").Followup
	require.NotNil(t, f)
	require.Equal(t, 15*time.Minute, f.Within)
	require.True(t, f.Remind)
	require.True(t, f.BusinessHours)
	require.Equal(t, 30*time.Minute, f.Escalate.After)
	require.Equal(t, []string{"managers"}, f.Escalate.Receivers)
	require.Nil(t, rules.Calendar(), "the calendar ships commented out")

	data, err := os.ReadFile("../rules.yaml")
	require.NoError(t, err)
	lines := strings.Split(string(data), "\n")
	uncommented := 0
	for i, line := range lines {
		if line == "# calendar:" {
			for j := i; j < i+3; j++ {
				lines[j] = strings.TrimPrefix(lines[j], "# ")
				uncommented++
			}
		}
	}
	require.Equal(t, 3, uncommented)
	rules, err = Parse("rules.yaml", []byte(strings.Join(lines, "\n")))
	require.NoError(t, err)
	rules.Zone = shanghai(t)
	cal := rules.Calendar()
	require.True(t, cal.Holiday(oct(t, 1, "10:00"), rules.Zone))
	wd, ok := cal.Weekday(time.Date(2026, 9, 27, 12, 0, 0, 0, rules.Zone), rules.Zone)
	require.True(t, ok)
	require.Equal(t, time.Monday, wd)

	hot := sampleLead(t, rules)
	hot.IntentionID = 3
	require.Equal(t, []string{"everything-else"}, routeNames(rules, &hot, oct(t, 1, "10:00")), "a holiday")
	require.Equal(t, []string{"henan-hot", "everything-else"}, routeNames(rules, &hot, oct(t, 10, "17:00")), "a make-up Friday, past Saturday's hours")
}
