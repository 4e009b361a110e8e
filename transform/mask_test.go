package transform

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMask(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"mobile", "15584418917", "155****8917"},
		{"mobile with spaces", " 155 8441 8917 ", "155****8917"},
		{"mobile with dashes", "155-8441-8917", "155****8917"},
		{"plus 86", "+8615584418917", "+86 155****8917"},
		{"plus 86 spaced", "+86 155 8441 8917", "+86 155****8917"},
		{"86 without plus", "8615584418917", "+86 155****8917"},
		{"0086", "008615584418917", "+86 155****8917"},
		{"other country", "+1 415 555 0100", "+141****0100"},
		{"landline with area code", "0371-6688 1234", "037*****1234"},
		{"ten digits", "0371668812", "03*****812"},
		{"eight digits", "66881234", "66****34"},
		{"seven digits", "6688123", "6****23"},
		{"six digits", "123456", "****56"},
		{"short", "110", "**0"},
		{"one digit", "7", "*"},
		{"already masked", "155****8917", "155****8917"},
		{"already masked with prefix", "+86 155****8917", "+86 155****8917"},
		{"full-width digits", "１５５８４４１８９１７", "155****8917"},
		{"arabic-indic digits", "١٥٥٨٤٤١٨٩١٧", "155****8917"},
		{"devanagari digits", "१५५८४४१८९१७", "155****8917"},
		{"mathematical digits", "𝟏𝟓𝟓𝟖𝟒𝟒𝟏𝟖𝟗𝟏𝟕", "155****8917"},
		{"no digits", "未填写", "未填写"},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, Mask(tc.in))
		})
	}
}

func TestMaskNeverLeaks(t *testing.T) {
	for n := 7; n <= 20; n++ {
		digits := strings.Repeat("9", n)
		got := Mask(digits)
		require.NotContains(t, got, digits, "n=%d", n)
		require.GreaterOrEqual(t, strings.Count(got, "*"), 4, "n=%d: at least 4 hidden", n)
		require.Len(t, got, n, "n=%d: one star per hidden digit", n)
	}
}

func TestMasked(t *testing.T) {
	c := fileClue(t, "clue-call.json")
	l := New(&c, Options{Fields: sampleFields})
	l.Answers = append(l.Answers,
		Answer{Label: "电话", Value: "13800000001/13800000002",
			Levels: []string{"13800000001", "13800000002"}, Type: "电话"},
		Answer{Label: "姓名", Value: "王先生", Type: "姓名"})

	m := l.Masked()

	require.Equal(t, "+86 139****1234", m.Phone)
	require.Equal(t, m.Phone, m.PhoneMasked)
	require.Equal(t, "+86 139****1234", m.Answers[0].Value, "手机 answer masked")
	require.Equal(t, []string{"138****0001", "138****0002"}, m.Answers[3].Levels)
	require.Equal(t, "王先生", m.Answers[4].Value, "other answers untouched")
	require.Equal(t, "139****1234", m.ICC.ToPhone)
	require.Equal(t, "020****6666", m.ICC.FromPhone)
	require.Equal(t, m.ICC.ToPhone, m.ICC.ToPhoneMasked)
	for label, v := range m.Form() {
		require.NotContains(t, v, "13900001234", label)
	}

	// The original is untouched and shares nothing with the copy.
	require.Equal(t, "+86 139 0000 1234", l.Phone)
	require.Equal(t, "8613900001234", l.Answers[0].Value)
	require.Equal(t, "13800000001", l.Answers[3].Levels[0])
	require.Equal(t, "13900001234", l.ICC.ToPhone)
	m.Answers[4].Value = "changed"
	m.ChildIntentions[0] = "changed"
	require.Equal(t, "王先生", l.Answers[4].Value)
	require.Equal(t, "高意向度-有明确需求", l.ChildIntentions[0])

	require.Nil(t, Lead{}.Masked().Answers, "no answers stay nil")
}

func TestAnswerIsPhone(t *testing.T) {
	tests := []struct {
		name string
		a    Answer
		want bool
	}{
		{"comp_type 电话", Answer{Label: "联系方式", Type: "电话"}, true},
		{"label 手机", Answer{Label: "手机", Type: "文本"}, true},
		{"label 电话号码", Answer{Label: "电话号码"}, true},
		{"name", Answer{Label: "姓名", Type: "姓名"}, false},
		{"cascade", Answer{Label: "下拉单选", Type: CascadeType}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.a.IsPhone())
		})
	}
}

func TestMaskFullWidthDigits(t *testing.T) {
	require.Equal(t, "138****5678", Mask("１３８１２３４５６７８"))
	require.Equal(t, "+86 155****8917", Mask("＋８６１５５８４４１８９１７"))
}

// TestMaskText: a mobile number written inside other text (a message, a
// name) is masked where it stands, in the usual spellings; digit runs that
// are not mobile numbers, or are part of a longer number, stay.
func TestMaskText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"请打13812345678联系", "请打138****5678联系"},
		{"张先生13912345678", "张先生139****5678"},
		{"或 +86 139-1234-5679 晚上", "或 +86 139****5679 晚上"},
		{"8613800001111 和 138 0000 2222", "+86 138****1111 和 138****2222"},
		{"１３８１２３４５６７８", "138****5678"},
		{"请打138\u200b1234\ufeff5678", "请打138****5678"},
		{"订单 2026120612345678901", "订单 2026120612345678901"},
		{"预算 30万，10月提车", "预算 30万，10月提车"},
		{"id 12345678901", "id 12345678901"},
		{"", ""},
	} {
		require.Equal(t, tc.want, MaskText(tc.in), tc.in)
	}
}

// TestMaskedHidesPhonesInText: the masked lead, which chat shows, hides
// mobile numbers written in the name and in answers that are not phone
// answers, as well as the phone answers themselves.
func TestMaskedHidesPhonesInText(t *testing.T) {
	l := Lead{UserName: "张先生13912345678", Phone: "15584418917", Answers: []Answer{
		{Label: "留言", Value: "请打13812345678联系", Type: "多行文本"},
		{Label: "门店", Value: "郑州/13700001111店", Levels: []string{"郑州", "13700001111店"}, Type: "级联单选"},
	}}
	m := l.Masked()
	require.Equal(t, "张先生139****5678", m.UserName)
	require.Equal(t, "请打138****5678联系", m.Answers[0].Value)
	require.Equal(t, "郑州/137****1111店", m.Answers[1].Value)
	require.Equal(t, []string{"郑州", "137****1111店"}, m.Answers[1].Levels)
	require.Equal(t, "张先生13912345678", l.UserName, "the original is untouched")
	require.Equal(t, "13700001111店", l.Answers[1].Levels[1])
}
