package transform

import (
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

// Masked returns a copy of the lead with every phone number masked: the
// clue's phone, form answers that hold a phone (see Answer.IsPhone), and the
// call record's numbers. The copy shares no slice with l.
func (l Lead) Masked() Lead {
	m := l
	m.Phone = Mask(l.Phone)
	m.PhoneMasked = m.Phone
	m.ChildIntentions = slices.Clone(l.ChildIntentions)
	if l.Answers != nil {
		m.Answers = make([]Answer, len(l.Answers))
	}
	for i, a := range l.Answers {
		a.Levels = slices.Clone(a.Levels)
		if a.IsPhone() {
			a.Value = Mask(a.Value)
			for j := range a.Levels {
				a.Levels[j] = Mask(a.Levels[j])
			}
		}
		m.Answers[i] = a
	}
	m.ICC.ToPhone = Mask(l.ICC.ToPhone)
	m.ICC.ToPhoneMasked = m.ICC.ToPhone
	m.ICC.FromPhone = Mask(l.ICC.FromPhone)
	m.ICC.FromPhoneMasked = m.ICC.FromPhone
	return m
}
