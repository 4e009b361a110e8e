package route

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/transform"
)

// TestCatastrophicPatternsStayLinear routes a lead with a 100 KB page name
// and a 100 KB form answer through patterns that take a backtracking engine
// exponential time: RE2 answers each in linear time, and rightly.
func TestCatastrophicPatternsStayLinear(t *testing.T) {
	tests := []struct {
		name, pattern, value string
		want                 bool
	}{
		{"nested plus, no end", `(a+)+$`, strings.Repeat("a", 100<<10) + "!", false},
		{"nested plus, end", `(a+)+$`, strings.Repeat("a", 100<<10), true},
		{"overlapping pluses", `(x+x+)+y`, "y" + strings.Repeat("x", 100<<10), false},
		{"overlapping alternation", `^(a|aa)+$`, strings.Repeat("a", 100<<10) + "b", false},
		{"same alternatives", `^(a|a)*b$`, strings.Repeat("a", 100<<10) + "b!", false},
		{"nested stars", `^(\w*)*$`, strings.Repeat("a", 100<<10) + "!", false},
		{"many dot stars", `(.*a){6}z`, "z" + strings.Repeat("a", 100<<10), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := "routes:\n  - name: page\n    match: {page_name: 're:" + tc.pattern + "'}\n    receivers: [x]\n" +
				"    continue: true\n  - name: form\n    match: {form: {留言: 're:" + tc.pattern + "'}}\n    receivers: [x]\n"
			rules := mustParse(t, src)
			r, err := compileRx(tc.pattern)
			require.NoError(t, err)
			require.Equal(t, rxRegexp, r.kind, "no shortcut: the regexp itself runs")
			for _, need := range r.needs {
				require.Contains(t, tc.value, need, "the prefilter lets the value through")
			}
			l := henanLead()
			l.PageName = tc.value
			l.Answers = append(l.Answers, transform.Answer{Label: "留言", Value: tc.value})
			start := time.Now()
			got := routeNames(rules, &l, noon)
			// A backtracking engine takes years on these inputs; RE2 takes
			// well under a second, or a few under -race on a loaded machine.
			// The bound only tells the two apart: speed is BenchmarkRoute's.
			require.Less(t, time.Since(start), time.Minute)
			var want []string
			if tc.want {
				want = []string{"page", "form"}
			}
			require.Equal(t, want, got)
		})
	}
}

// TestPCRESyntaxRefused: patterns written for Perl or PCRE fail to load with
// rules.yaml:LINE, the key and what RE2 lacks.
func TestPCRESyntaxRefused(t *testing.T) {
	tests := []struct {
		name, key, pattern, want string
	}{
		{"backreference", "page_name", `(宝马)\1`,
			"bad regexp \"(宝马)\\\\1\": invalid escape sequence: `\\1` (RE2 has no backreferences)"},
		{"named backreference", "city", `(?P<c>郑)(?P=c)`,
			"bad regexp \"(?P<c>郑)(?P=c)\": invalid or unsupported Perl syntax: `(?P` (RE2 has no backreferences)"},
		{"lookahead", "store", `宝马(?=店)`,
			"bad regexp \"宝马(?=店)\": invalid or unsupported Perl syntax: `(?=` (RE2 has no lookahead)"},
		{"negative lookahead", "province", `^(?!河南)`,
			"bad regexp \"^(?!河南)\": invalid or unsupported Perl syntax: `(?!` (RE2 has no lookahead)"},
		{"lookbehind", "page_name", `(?<=郑州)宝马`,
			"bad regexp \"(?<=郑州)宝马\": invalid named capture: `(?<=郑州)宝马` (RE2 has no lookbehind)"},
		{"atomic group", "page_name", `(?>a+)b`,
			"bad regexp \"(?>a+)b\": invalid or unsupported Perl syntax: `(?>` (RE2 has no atomic groups)"},
		{"possessive", "page_name", `a++b`,
			"bad regexp \"a++b\": invalid nested repetition operator: `++` (RE2 has no possessive quantifiers)"},
		{"possessive count", "page_name", `\d{2}+`,
			"bad regexp \"\\\\d{2}+\": invalid nested repetition operator: `{2}+` (RE2 has no possessive quantifiers)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := "routes:\n  - name: a\n    receivers: [x]\n    match:\n      " + tc.key + ": '" + RegexpPrefix + tc.pattern + "'\n"
			require.Equal(t, []string{`rules.yaml:5: ` + tc.want + ` in match.` + tc.key + ` of route "a"`},
				errorLines(t, src))
		})
	}
	t.Run("in a form answer and an enum", func(t *testing.T) {
		src := "routes:\n  - name: a\n    receivers: [x]\n    not:\n      form: {留言: 're:(?=x)'}\n" +
			"      intention: 're:(高)\\1'\n"
		require.Equal(t, []string{
			"rules.yaml:5: bad regexp \"(?=x)\": invalid or unsupported Perl syntax: `(?=` (RE2 has no lookahead) in not.form[留言] of route \"a\"",
			"rules.yaml:6: bad regexp \"(高)\\\\1\": invalid escape sequence: `\\1` (RE2 has no backreferences) in not.intention of route \"a\"",
		}, errorLines(t, src))
	})
}

// TestHugeRegexpRefused: a pattern whose program would make every match slow
// fails to load with a clear error; a long but sane one loads.
func TestHugeRegexpRefused(t *testing.T) {
	cities := strings.Repeat("郑州|洛阳|开封|新乡|安阳|", 20) + "平顶山"
	tests := []struct {
		name, pattern, want string // want "" loads
	}{
		{"repeat count over 1000", `\d{1001}`,
			"bad regexp \"\\\\d{1001}\": invalid repeat count: `{1001}` (a repeat count is at most 1000)"},
		{"nested repeats over 1000", `(a{100}){100}`,
			"bad regexp \"(a{100}){100}\": invalid repeat count: `{100}` (a repeat count is at most 1000)"},
		{"a thousand letters", `\pL{1000}`,
			"regexp \"\\\\pL{1000}\" is too large: 1002 instructions, over the limit of 1000 (use smaller repeat counts)"},
		{"three long repeats", `[ab]{400}x[ab]{400}y[ab]{400}`,
			"regexp \"[ab]{400}x[ab]{400}y[ab]{400}\" is too large: 1204 instructions, over the limit of 1000 (use smaller repeat counts)"},
		{"a hundred cities", `(` + cities + `)\d*`, ""},
		{"a few hundred letters", `\pL{300}`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := "routes:\n  - name: a\n    receivers: [x]\n    match: {page_name: '" + RegexpPrefix + tc.pattern + "'}\n"
			if tc.want == "" {
				mustParse(t, src)
				return
			}
			got := errorLines(t, src)
			require.Len(t, got, 1)
			// The count of instructions is the compiler's, which a Go release may change.
			count := regexp.MustCompile(`\d+ instructions`)
			require.Equal(t, count.ReplaceAllString(`rules.yaml:4: `+tc.want+` in match.page_name of route "a"`, "N instructions"),
				count.ReplaceAllString(got[0], "N instructions"))
		})
	}
}
