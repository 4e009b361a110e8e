package transform

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
)

// hugeClue is a clue with n form answers: every tenth a cascade, every
// hundredth a phone, the rest 200-byte texts, and the province, city and
// store answers last.
func hugeClue(t *testing.T, n int) clue.Clue {
	t.Helper()
	details := make([]map[string]string, 0, n+1)
	for i := range n {
		d := map[string]string{"key": fmt.Sprintf("问题%d", i), "value": strings.Repeat("回答", 33) + fmt.Sprint(i)}
		switch {
		case i%100 == 0:
			d["key"], d["value"], d["comp_type"] = fmt.Sprintf("手机%d", i), "138\u200b0013\u200b8000", "电话"
		case i%10 == 0:
			d["value"], d["comp_type"] = fmt.Sprintf(`["宝马%d系","河南","郑州"]`, i%8), CascadeType
		}
		details = append(details, d)
	}
	details[n-1] = map[string]string{"key": "下拉单选", "value": `["宝马2系","河南","郑州","二七区","哈登店"]`,
		"comp_type": CascadeType}
	raw, err := json.Marshal(map[string]any{"id": "197451604008536386", "user_name": "王\u202e先生",
		"phone": "１３８\u200d0013\ufeff8000", "create_time": "2024-05-01 10:00:00", "details": details})
	require.NoError(t, err)
	c, err := clue.Decode(raw)
	require.NoError(t, err)
	return c
}

func TestHugeLeadTransforms(t *testing.T) {
	c := hugeClue(t, 5000)
	start := time.Now()
	l := New(&c, Options{Zone: shanghai(t), Fields: sampleFields})
	m := l.Masked()
	form := l.Form()
	require.Less(t, time.Since(start), 2*time.Second, "linear: tens of milliseconds even with -race")

	require.Len(t, l.Answers, 5000)
	require.Equal(t, []string{"河南", "郑州", "哈登店"}, []string{l.Province, l.City, l.Store})
	require.Equal(t, []string{"宝马2系", "河南", "郑州"}, l.Answers[10].Levels)
	require.Equal(t, "宝马2系/河南/郑州", form["问题10"])
	require.Len(t, form, 5000, "every label once")
	require.Equal(t, "138****8000", m.Phone, "full-width and invisible characters are no shield")
	phones := 0
	for i, a := range m.Answers {
		require.True(t, utf8.ValidString(a.Label+a.Value), "answer %d", i)
		if a.IsPhone() {
			phones++
			require.Equal(t, "138****8000", a.Value, "answer %d", i)
		}
	}
	require.Equal(t, 50, phones)
	require.Equal(t, "138\u200b0013\u200b8000", l.Answers[100].Value, "the lead itself keeps the number")
}

func TestMaskThroughInvisibles(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"zero-width spaces", "138\u200b0013\u200b8000", "138****8000"},
		{"zero-width joiner and BOM", "\ufeff138\u200d0013\ufeff8000", "138****8000"},
		{"word joiner and soft hyphen", "138\u20600013\u00ad8000", "138****8000"},
		{"right-to-left override", "\u202e13800138000\u202c", "138****8000"},
		{"isolates and marks", "\u2066138\u200f0013\u200e8000\u2069", "138****8000"},
		{"a zero-width space in every gap", strings.Join(strings.Split("13800138000", ""), "\u200b"), "138****8000"},
		{"+86 behind a zero-width space", "\u200b+86 138 0013 8000", "+86 138****8000"},
		{"full-width digits and a BOM", "１３８\ufeff００１３\u200b８０００", "138****8000"},
		{"no digit at all", "\u200b\u202e", "\u200b\u202e"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Mask(tc.in)
			require.Equal(t, tc.want, got)
			require.Equal(t, got, Mask(got), "idempotent")
			require.Equal(t, got, Mask(tc.want), "the same as without the noise")
		})
	}
}

// TestMaskNeverLeaksDigitRuns checks, for any mobile and any invisible
// character between any two digits, that the middle four never show.
func TestMaskNeverLeaksDigitRuns(t *testing.T) {
	const phone = "13947215608"
	for _, inv := range []string{"\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u202e", "\u2067", "\u00ad", " "} {
		for gap := 1; gap < len(phone); gap++ {
			got := Mask(phone[:gap] + inv + phone[gap:])
			require.Equal(t, "139****5608", got, "%U after digit %d", []rune(inv)[0], gap)
		}
	}
}
