package route

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/transform"
)

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, value string
		want           bool
	}{
		{"*", "", true},
		{"*", "anything", true},
		{"宝马*", "宝马2系", true},
		{"宝马*", "郑州宝马", false},
		{"*宝马", "郑州宝马", true},
		{"*宝马*", "郑州宝马2系", true},
		{"郑州*试驾", "郑州宝马试驾", true},
		{"郑州*试驾", "郑州试驾", true},
		{"郑州*试驾", "郑州试驾活动", false},
		{"a*a", "a", false},
		{"a*a", "aa", true},
		{"*a*b*c*", "xaxbxc", true},
		{"*a*b*c*", "xcxbxa", false},
		{"**", "x", true},
		{`\**`, "*x", true},
		{`\**`, "x*", false},
		{`a\\*`, `a\bc`, true},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s~%s", tc.pattern, tc.value), func(t *testing.T) {
			var s strSet
			require.NoError(t, s.add(tc.pattern))
			require.Equal(t, tc.want, s.match(tc.value))
		})
	}
}

func TestBadGlob(t *testing.T) {
	for _, bad := range []string{`a*\`, `\a*`, `*\x`} {
		var s strSet
		require.ErrorContains(t, s.add(bad), "bad glob", bad)
	}
	var s strSet
	require.NoError(t, s.add(`宝马\*`))
	require.Equal(t, []string{"宝马*"}, s.exact, "only escaped stars: an exact value")
}

// TestRegexpFastPaths checks that every shortcut taken for an re: pattern
// answers exactly as the regexp would.
func TestRegexpFastPaths(t *testing.T) {
	tests := []struct {
		expr string
		kind rxKind
	}{
		{"宝马", rxContains},
		{"宝马|奔驰", rxContains},
		{"^宝马", rxPrefix},
		{"^(郑州|洛阳)", rxPrefix},
		{"试驾$", rxSuffix},
		{"^(郑州|洛阳)$", rxEqual},
		{"^河南$", rxEqual},
		{"宝马\\d系", rxRegexp},
		{"^(测试|test)\\d+", rxRegexp},
		{"(?i)bmw", rxRegexp},
		{"(?m)^宝马", rxRegexp},
		{"^$", rxRegexp},
		{"宝马X1|宝马X3", rxRegexp},
		{"^a.*b$", rxRegexp},
	}
	values := []string{"", "宝马", "郑州宝马2系试驾", "宝马2系", "奔驰", "郑州", "洛阳", "郑州洛阳", "河南",
		"test12", "测试9", "BMW X3", "a\n宝马", "宝马X3", "ab", "a宝马b", "试驾", "x试驾\n"}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			r, err := compileRx(tc.expr)
			require.NoError(t, err)
			require.Equal(t, tc.kind, r.kind)
			re := regexp.MustCompile(tc.expr)
			for _, v := range values {
				require.Equal(t, re.MatchString(v), r.match(v), "value %q", v)
			}
		})
	}
}

// TestIndexKeepsOutcomes routes random leads through the bench rules with
// and without the candidate index: the routes taken must be the same.
func TestIndexKeepsOutcomes(t *testing.T) {
	rules, base := benchSetup(t)
	linear := *rules
	linear.ix = index{}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(vals ...string) string { return vals[rng.IntN(len(vals))] }
	taken := map[string]bool{}
	for range 5000 {
		l := base
		l.Province = pick(benchProvinces[rng.IntN(30)], benchProvinces[rng.IntN(30)]+"省", "", "火星")
		l.City = pick("郑州", fmt.Sprintf("城%d", rng.IntN(95)), "")
		l.PageName = pick("郑州宝马2系试驾", fmt.Sprintf("宝马X%d新车", rng.IntN(25)),
			fmt.Sprintf("test%d", rng.IntN(120)), fmt.Sprintf("测试%d", rng.IntN(120)), "")
		l.IntentionID = rng.Int64N(16) - 1
		l.PhoneStat = []int64{0, 101, 106, 206, 213}[rng.IntN(5)]
		l.ChannelFlag, l.ClueTag, l.SourceType = rng.Int64N(3), rng.Int64N(4), rng.Int64N(4)
		l.AdvertiserID = []int64{20006545, 1003, 1}[rng.IntN(3)]
		l.Answers = []transform.Answer{{Label: "下拉单选", Value: fmt.Sprintf("奔驰%d系/河南", rng.IntN(12))}}
		now := noon.Add(time.Duration(rng.Int64N(int64(7 * 24 * time.Hour))))
		got, want := rules.Route(&l, now), linear.Route(&l, now)
		require.Equal(t, want, got)
		for _, m := range got {
			taken[m.Route.Name] = true
		}
	}
	require.Greater(t, len(taken), 80, "the random leads reach most routes")
}
