package transform_test

import (
	"bytes"
	stdjson "encoding/json"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/transform"
)

// cascade is the label of the vendor sample's cascade answer, which the
// shipped rules.yaml reads province, city and store from.
const cascade = "下拉单选"

// rulesFields is the `fields:` mapping of the shipped rules.yaml.
var rulesFields = transform.Fields{
	Province: transform.FieldRef{Form: cascade, Level: 2},
	City:     transform.FieldRef{Form: cascade, Level: 3},
	Store:    transform.FieldRef{Form: cascade, Level: 5},
}

// hostile are texts a submitter or a broken vendor could put in any field.
var hostile = []string{
	`[点我](http://x) @所有人 <at user_id="all">`,
	"\u200b\u202e1389999\u200b8888\u202c",
	"+86 155 8441 8917", "008615584418917", "8615584418917", "155****8917", "+86 155****8917",
	"0371-6688 1234", "１３８００１３８０００", "99999999999999999999999999999999", "*", "+", "",
	"  ", "\x00\xff", "电话：155-8441-8917 转 123",
}

// seedClues returns the vendor sample's records and hostile variants of them.
func seedClues(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, file := range []string{"testdata/clue-list-sample.json", "../fetch/testdata/clue-list-variant.json"} {
		data, err := os.ReadFile(file)
		require.NoError(tb, err)
		var page struct {
			Data struct {
				Details []stdjson.RawMessage `json:"details"`
			} `json:"data"`
		}
		require.NoError(tb, stdjson.Unmarshal(data, &page))
		for _, r := range page.Data.Details {
			out = append(out, []byte(r))
		}
	}
	call, err := os.ReadFile("testdata/clue-call.json")
	require.NoError(tb, err)
	out = append(out, call)
	for _, h := range hostile {
		q, _ := stdjson.Marshal(h)
		out = append(out, []byte(`{"id": 1, "phone": `+string(q)+`, "user_name": `+string(q)+
			`, "details": [{"key": "手机", "value": `+string(q)+`}, {"key": "下拉单选", "comp_type": "级联单选", "value": `+
			strings.ReplaceAll(string(q), `\`, `\\`)+`}], "icc_info": {"to_phone": `+string(q)+`, "call_start_time": 1717169465000}}`))
	}
	for _, s := range []string{
		`{"id": 1, "details": [{"key": "下拉单选", "value": "[\" 宝马2系 \",\"河南\",null,1e5,-3,\"\",\"二七区\"]"}]}`,
		`{"id": 1, "details": [{"key": "下拉单选", "value": "[\"a\", {}]"}], "store_info": {"province": " 河南省 "}}`,
		`{"id": 1, "details": [{"key": " 下拉单选 ", "value": "[]"}, {"key": "下拉单选", "value": "x"}]}`,
		`{"id": 1, "schedule": {"schedule_id": 99, "schedule_desc": " 自定义 "}, "child_intention_tag": [{"child_intention_id": 42}]}`,
		`{"id": 1, "create_time": "2024-02-30 25:61:00", "update_time": "9999-12-31 23:59:59",
		  "icc_info": {"call_start_time": "-1", "call_answer_time": 9223372036854775807, "call_finish_time": "1e3"}}`,
		`{"id": 1, "phone_stat": 9223372036854775807, "intention_id": -9223372036854775808, "account_id": 99999999999999999999}`,
	} {
		out = append(out, []byte(s))
	}
	return out
}

// digitRun is five or more ASCII digits in a row: a masked number shows at
// most four.
var digitRun = regexp.MustCompile(`[0-9]{5,}`)

// requireMasked checks the masking invariants of Mask(in) == out.
func requireMasked(t *testing.T, in, out string) {
	t.Helper()
	require.NotRegexp(t, digitRun, out, "Mask(%q) shows five digits in a row", in)
	require.Equal(t, out, transform.Mask(out), "masking is idempotent")
	digits, stars := 0, 0
	// Digits of every script (full-width ones from a Chinese input method,
	// Arabic-Indic, …) count as digits: Mask turns them into ASCII first.
	in = strings.NewReplacer("＋", "+", "＊", "*").Replace(in)
	in = strings.Map(func(r rune) rune {
		if r >= 0x80 && unicode.IsDigit(r) {
			return '0' // its value does not matter for the counts below
		}
		return r
	}, in)
	for i := 0; i < len(in); i++ {
		switch c := in[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '*':
			stars++
		}
	}
	if digits == 0 {
		require.Equal(t, strings.TrimSpace(in), out, "a value without digits is kept")
		return
	}
	require.Regexp(t, `^(\+86 |\+)?[0-9*]+$`, out, "only digits and stars (after a country prefix) remain")
	body := strings.TrimPrefix(strings.TrimPrefix(out, "+86 "), "+")
	require.LessOrEqual(t, len(body), digits+stars, "Mask(%q) adds no digit", in)
	shown := strings.Count(body, "") - 1 - strings.Count(body, "*")
	require.LessOrEqual(t, shown, 7, "at most 3 + 4 digits are shown")
	if digits >= 7 {
		// Never any 11-digit run of the number, and never the whole number
		// unless it came masked already.
		all := onlyDigits(in)
		for i := 0; i+11 <= len(all); i++ {
			require.NotContains(t, onlyDigits(out), all[i:i+11], "Mask(%q) returns an 11-digit run", in)
		}
		if stars == 0 {
			require.NotContains(t, onlyDigits(out), all, "Mask(%q) returns the whole number", in)
			require.Less(t, shown, digits, "Mask(%q) returns every digit", in)
			require.GreaterOrEqual(t, strings.Count(body, "*"), 4, "Mask(%q) hides at least 4 digits", in)
		}
	}
}

func onlyDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// FuzzMask masks arbitrary text as a phone number. It never shows five ASCII
// digits in a row (so never an 11-digit run of the original, nor the whole
// number of 7 digits or more), shows at most 3 + 4 digits, hides at least 4
// of an unmasked number of 7 digits or more, keeps only digits and stars
// behind an optional "+86 " or "+" once there is a digit, keeps a value
// without digits as it is, and is idempotent.
func FuzzMask(f *testing.F) {
	for _, h := range hostile {
		f.Add(h)
	}
	for _, s := range []string{"15584418917", "+8615584418917", "+1 415 555 0100", "6688123", "123456",
		"1*2*3*4*5*6*7*8*9*0*1", "********12345678901", "+86*************", "+8613800000000000", "86*1234567890"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, phone string) {
		requireMasked(t, phone, transform.Mask(phone))
	})
}

// requireLevels checks Answer.Level against the answer's levels for every n
// near the range and the extremes of int.
func requireLevels(t *testing.T, a transform.Answer) {
	t.Helper()
	levels := a.Levels
	if levels == nil {
		levels = []string{a.Value}
	} else {
		require.Equal(t, strings.Join(a.Levels, "/"), a.Value, "a cascade reads as its levels joined with /")
	}
	require.Equal(t, a.Value, a.Level(0))
	n := len(levels)
	for k := 1; k <= n; k++ {
		require.Equal(t, levels[k-1], a.Level(k))
		require.Equal(t, levels[n-k], a.Level(-k))
	}
	for _, k := range []int{n + 1, n + 2, -n - 1, -n - 2, math.MaxInt, math.MinInt, math.MinInt + 1} {
		require.Empty(t, a.Level(k), "level %d of %d", k, n)
	}
}

// expectLevels is the documented reading of a cascade value that is valid
// JSON, with encoding/json: an array of strings (null reads as "") or of strings and
// numbers (a number as its literal), each trimmed; nil for anything else.
func expectLevels(v string) ([]string, bool) {
	if !strings.HasPrefix(v, "[") {
		return nil, true
	}
	if !utf8.ValidString(v) || !stdjson.Valid([]byte(v)) {
		// Not JSON: the vendor's decoder may still take it (it accepts raw
		// control characters in strings, say), so only the shape is checked.
		return nil, false
	}
	var strs []string
	if stdjson.Unmarshal([]byte(v), &strs) == nil {
		for i := range strs {
			strs[i] = strings.TrimSpace(strs[i])
		}
		if strs == nil {
			strs = []string{}
		}
		return strs, true
	}
	var raws []stdjson.RawMessage
	if stdjson.Unmarshal([]byte(v), &raws) != nil {
		return nil, true
	}
	out := []string{}
	for _, r := range raws {
		r = bytes.TrimSpace(r)
		var s string
		switch {
		case len(r) > 0 && r[0] == '"':
			if stdjson.Unmarshal(r, &s) != nil {
				return nil, true
			}
		case len(r) > 0 && (r[0] == '-' || r[0] >= '0' && r[0] <= '9'):
			s = string(r)
		default:
			return nil, true
		}
		out = append(out, strings.TrimSpace(s))
	}
	return out, true
}

// FuzzAnswerLevel builds a lead from one form answer with an arbitrary value
// and comp_type and reads it through Lead.Answer, Answer.Level and the
// fields mapping. It never panics (any level, including the extremes of
// int); a value that is a JSON array of strings or numbers splits into its
// trimmed levels (checked against encoding/json), anything else is kept
// trimmed with no levels; a cascade reads as its levels joined with "/";
// Level(0) is the whole value, Level(k) and Level(-k) count from either end
// and out of range is ""; and the fields mapping reads exactly Level(n).
func FuzzAnswerLevel(f *testing.F) {
	for _, v := range []string{
		`["宝马2系","河南","郑州","二七区","哈登店"]`, `[" a ", 1, -2.5e3, "", "b"]`, `["a", null]`, `[null]`, `[]`,
		`["宝马5系",`, `[1, 2]`, `[true]`, `[{"a": 1}]`, `["\u0000\u202e"]`, `["\ud800"]`, `[` + strings.Repeat(`"x",`, 200) + `"y"]`,
		strings.Repeat("[", 3000), ` ["x"] `, `null`, `宝马`, `/`, `["a/b", "c"]`,
	} {
		for _, n := range []int{0, 1, 2, 3, 5, -1, -5, 6, math.MaxInt, math.MinInt} {
			f.Add(v, transform.CascadeType, n)
		}
	}
	f.Add(`["x"]`, "多选", 1)
	f.Add("15584418917", "电话", 1)
	f.Fuzz(func(t *testing.T, value, compType string, n int) {
		c := clue.Clue{ID: "1", Details: []clue.Answer{{Key: " " + cascade + " ", Value: clue.Str(value), CompType: clue.Str(compType)}}}
		fields := transform.Fields{Province: transform.FieldRef{Form: cascade, Level: n}}
		l := transform.New(&c, transform.Options{Fields: fields})
		a, ok := l.Answer(cascade)
		require.True(t, ok, "the label is trimmed")
		require.Equal(t, strings.TrimSpace(compType), a.Type)
		requireLevels(t, a)
		require.Equal(t, strings.TrimSpace(a.Level(n)), l.Province, "fields read Level(n)")
		require.Equal(t, a.Value, l.Form()[cascade])

		v := strings.TrimSpace(value)
		want, known := expectLevels(v)
		if known {
			require.Equal(t, want, a.Levels, "levels of %q", v)
			if want == nil {
				require.Equal(t, v, a.Value, "a value that is no JSON array is kept as is")
			}
		}
	})
}

// FuzzNew decodes an arbitrary clue record and builds its Lead with the
// shipped rules.yaml field mapping. It never panics, and the lead keeps the
// clue's ids as decimal strings, labels every enum (never ""), masks every
// phone with Mask, splits cascades consistently (Level agrees with Levels),
// resolves province, city and store from store_info first and the cascade's
// levels 2, 3 and 5 otherwise, puts times in the zone asked for, and its
// Masked copy hides every phone (no five digits in a row) and shares no
// slice with the lead.
func FuzzNew(f *testing.F) {
	for _, rec := range seedClues(f) {
		f.Add(rec)
	}
	opts := transform.Options{Fields: rulesFields, Zone: clue.VendorZone, AccountNames: map[int64]string{20006545: "郑州宝马"}}
	f.Fuzz(func(t *testing.T, rec []byte) {
		c, err := clue.Decode(rec)
		if err != nil {
			return
		}
		l := transform.New(&c, opts)
		require.Equal(t, l, transform.New(&c, opts),
			"New is deterministic")
		require.Equal(t, c.ID.String(), l.ID)
		for _, id := range []string{l.ID, l.AccountID, l.UserID, l.PageID, l.CampaignID, l.UnitID, l.CreativeID, l.FormID} {
			require.Regexp(t, `^([1-9][0-9]*|0[0-9]+)?$`, id, "ids stay decimal strings")
		}
		for _, label := range []string{l.SourceTypeLabel, l.IntentionLabel, l.PhoneStatLabel, l.ClueTagLabel,
			l.BizLabel, l.SeaTypeLabel, l.ChannelFlagLabel, l.ScheduleLabel} {
			require.NotEmpty(t, label)
		}
		require.Equal(t, clue.IntentionLabel(l.IntentionID), l.IntentionLabel)
		require.Len(t, l.ChildIntentions, len(c.ChildIntentionTag))
		for _, ci := range l.ChildIntentions {
			require.NotEmpty(t, ci)
		}
		require.Equal(t, transform.Mask(l.Phone), l.PhoneMasked)
		require.Equal(t, transform.Mask(l.ICC.ToPhone), l.ICC.ToPhoneMasked)
		require.Equal(t, transform.Mask(l.ICC.FromPhone), l.ICC.FromPhoneMasked)
		for _, tm := range []struct {
			name string
			zero bool
			loc  string
		}{{"create", l.CreateTime.IsZero(), l.CreateTime.Location().String()},
			{"update", l.UpdateTime.IsZero(), l.UpdateTime.Location().String()},
			{"call start", l.ICC.Start.IsZero(), l.ICC.Start.Location().String()}} {
			if !tm.zero {
				require.Equal(t, clue.VendorZone.String(), tm.loc, tm.name)
			}
		}
		if !l.CreateTime.IsZero() && c.Updated().Equal(c.Created()) {
			require.True(t, l.UpdateTime.Equal(l.CreateTime), "no update time reads as the creation time")
		}

		require.Len(t, l.Answers, len(c.Details))
		for i, a := range l.Answers {
			require.Equal(t, strings.TrimSpace(string(c.Details[i].Key)), a.Label)
			requireLevels(t, a)
		}
		st := c.Store()
		for _, fc := range []struct {
			got, store string
			ref        transform.FieldRef
		}{{l.Province, string(st.Province), rulesFields.Province}, {l.City, string(st.City), rulesFields.City},
			{l.Store, string(st.StoreName), rulesFields.Store}} {
			want := strings.TrimSpace(fc.store)
			if want == "" {
				if a, ok := l.Answer(fc.ref.Form); ok {
					want = strings.TrimSpace(a.Level(fc.ref.Level))
				}
			}
			require.Equal(t, want, fc.got)
		}

		before := transform.New(&c, opts)
		m := l.Masked()
		for _, p := range []string{m.Phone, m.PhoneMasked, m.ICC.ToPhone, m.ICC.FromPhone} {
			require.NotRegexp(t, digitRun, p)
		}
		requireMasked(t, l.Phone, m.Phone)
		for i, a := range m.Answers {
			if a.IsPhone() {
				require.Equal(t, transform.Mask(l.Answers[i].Value), a.Value)
				require.NotRegexp(t, digitRun, a.Value)
				for _, lv := range a.Levels {
					require.NotRegexp(t, digitRun, lv)
				}
			} else {
				want := l.Answers[i]
				want.Value = transform.MaskText(want.Value)
				want.Levels = slices.Clone(want.Levels)
				for j, lv := range want.Levels {
					want.Levels[j] = transform.MaskText(lv)
				}
				require.Equal(t, want, a, "an answer that is no phone keeps all but the mobile numbers in it")
			}
			for j := range a.Levels {
				m.Answers[i].Levels[j] = "changed"
			}
		}
		for i := range m.ChildIntentions {
			m.ChildIntentions[i] = "changed"
		}
		require.Equal(t, before, l, "Masked shares no slice with the lead")
	})
}
