package transform

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Mask hides the middle of a phone number for chat: an 11-digit mobile keeps
// its first 3 and last 4 digits (155****8917). Spaces and dashes are dropped;
// a +86 or 0086 country prefix is kept as "+86 "; any other leading "+" is
// kept. Longer numbers keep 3 + 4 digits too, numbers of 7 to 10 digits keep
// less than half (1-2 digits ahead, 2-3 behind), shorter ones only their last
// third. A number of 7 digits or more is never returned whole. Stars count as
// digits, so masking is idempotent. A value with no digit is returned as is.
func Mask(phone string) string {
	s := strings.TrimSpace(asciiDigits(phone))
	if s == "" {
		return ""
	}
	prefix := ""
	digits := make([]byte, 0, len(s))
	seen := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' || c == '*' {
			digits = append(digits, c)
			seen = seen || c != '*'
		}
	}
	if !seen {
		return s
	}
	intl := strings.HasPrefix(s, "+")
	switch {
	case intl && len(digits) == 13 && string(digits[:2]) == "86",
		!intl && len(digits) == 13 && string(digits[:2]) == "86" && digits[2] == '1':
		prefix, digits = "+86 ", digits[2:]
	case !intl && len(digits) == 15 && string(digits[:4]) == "0086":
		prefix, digits = "+86 ", digits[4:]
	case intl:
		prefix = "+"
	}
	return prefix + maskDigits(digits)
}

// asciiDigits turns the decimal digits of every script (full-width ones
// typed with a Chinese input method, Arabic-Indic, Devanagari, …) into ASCII,
// and full-width plus and star too, so they are masked like any other.
func asciiDigits(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '＋':
			return '+'
		case r == '＊':
			return '*'
		case r >= 0x80 && unicode.IsDigit(r):
			return '0' + digitValue(r)
		}
		return r
	}, s)
}

// digitValue is the value of a decimal digit: Unicode encodes each script's
// digits as runs of ten from zero, and every range of the Nd table starts
// at a zero.
func digitValue(r rune) rune {
	for _, rg := range unicode.Nd.R16 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi {
			return (r - lo) % 10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi {
			return (r - lo) % 10
		}
	}
	return 0
}

func maskDigits(d []byte) string {
	n := len(d)
	var head, tail int
	switch {
	case n >= 11:
		head, tail = 3, 4
	case n >= 7:
		head, tail = n/4, min(4, n/3)
	default:
		head, tail = 0, n/3
	}
	return string(d[:head]) + strings.Repeat("*", n-head-tail) + string(d[n-tail:])
}

// mobileInText finds a mainland mobile number written inside other text:
// 11 digits from 1[3-9], in groups split by spaces or dashes, perhaps
// after 86, +86 or 0086.
var mobileInText = regexp.MustCompile(`(?:(?:\+|00)?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]){8}`)

// MaskText masks, with Mask, every mobile number written inside s (a
// message, a name: "请打13812345678" gives "请打138****5678"), digits of
// other scripts included; a digit run that is part of a longer number is
// not a mobile number and stays. s is returned as it is when it holds none.
func MaskText(s string) string {
	if !digitRun(s, 11) {
		return s // the common case, taken without a regexp
	}
	// Invisible format characters (zero-width spaces, ...) are no shield.
	t := strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, asciiDigits(s))
	locs := mobileInText.FindAllStringIndex(t, -1)
	var b strings.Builder
	last := 0
	for _, loc := range locs {
		i, j := loc[0], loc[1]
		if i > 0 && isDigit(t[i-1]) || j < len(t) && isDigit(t[j]) {
			continue
		}
		b.WriteString(t[last:i])
		b.WriteString(Mask(t[i:j]))
		last = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(t[last:])
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// digitRun reports whether s holds n decimal digits (of any script) in a
// row, spaces, dashes, plus signs and invisible format characters between
// them allowed.
func digitRun(s string, n int) bool {
	run := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9' || r >= 0x80 && unicode.IsDigit(r):
			if run++; run >= n {
				return true
			}
		case r == ' ' || r == '-' || r == '+' || unicode.Is(unicode.Cf, r):
		default:
			run = 0
		}
	}
	return false
}

// Masked returns a copy of the lead with every phone number masked: the
// clue's phone, form answers that hold a phone (see Answer.IsPhone), the
// call record's numbers, and mobile numbers written in the name or in other
// answers (MaskText). The copy shares no slice with l.
func (l Lead) Masked() Lead {
	m := l
	m.UserName = MaskText(l.UserName)
	m.Phone = Mask(l.Phone)
	m.PhoneMasked = m.Phone
	m.ChildIntentions = slices.Clone(l.ChildIntentions)
	if l.Answers != nil {
		m.Answers = make([]Answer, len(l.Answers))
	}
	for i, a := range l.Answers {
		a.Levels = slices.Clone(a.Levels)
		mask := MaskText
		if a.IsPhone() {
			mask = Mask
		}
		a.Value = mask(a.Value)
		for j := range a.Levels {
			a.Levels[j] = mask(a.Levels[j])
		}
		m.Answers[i] = a
	}
	m.ICC.ToPhone = Mask(l.ICC.ToPhone)
	m.ICC.ToPhoneMasked = m.ICC.ToPhone
	m.ICC.FromPhone = Mask(l.ICC.FromPhone)
	m.ICC.FromPhoneMasked = m.ICC.FromPhone
	return m
}
