package notify

import (
	"fmt"
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Markup names the markup a platform reads a message in, and so how text from
// a lead is escaped before a template sees it.
type Markup int

// The markups of the chat platforms.
const (
	// MarkupDingTalk is DingTalk's markdown. It has no documented escape
	// syntax, so markup characters become look-alikes (full-width forms).
	MarkupDingTalk Markup = iota
	// MarkupWeCom is WeCom's markdown (v1): HTML-escaped angle brackets and
	// ampersands, look-alikes for markdown characters.
	MarkupWeCom
	// MarkupWeComText is the content of a WeCom text message: no markdown,
	// but <@userid> mentions, so angle brackets become look-alikes too.
	MarkupWeComText
	// MarkupFeishu is Feishu card markdown (JSON 2.0), which documents HTML
	// entities (&#42; for *) as its escape syntax.
	MarkupFeishu
)

// lookalikes replaces markup characters with characters that read the same
// on a phone but mean nothing to a markdown renderer.
var lookalikes = map[rune]string{
	'*': "∗", '_': "＿", '~': "～", '`': "｀", '[': "［", ']': "］",
	'#': "＃", '\\': "＼", '|': "｜", '<': "＜", '>': "＞", '&': "＆",
}

// feishuEntities are the HTML entities Feishu's card markdown documents for
// its special characters; ':' is included so no scheme or emoji code forms.
var feishuEntities = map[rune]string{
	'&': "&amp;", '<': "&#60;", '>': "&#62;", '*': "&#42;", '_': "&#95;",
	'~': "&#126;", '`': "&#96;", '[': "&#91;", ']': "&#93;", '(': "&#40;",
	')': "&#41;", '#': "&#35;", '\\': "&#92;", '$': "&#36;", ':': "&#58;",
	'|': "&#124;",
}

// Escape returns s as literal text in markup m: it cannot form a link,
// emphasis, heading, quote, list, tag or mention, and it stays on one line.
// Newlines and other control characters become spaces, '@' becomes the
// full-width '＠' so no name or number after it can mention anyone,
// "://" loses its ASCII colon so no URL is recognised, and the dots of a
// domain name become look-alikes so no bare domain is made a link.
func Escape(m Markup, s string) string {
	if inert(s) && utf8.ValidString(s) {
		return strings.TrimSpace(s)
	}
	s = oneLine(s)
	if s == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i, r := range s {
		switch {
		case r == '@':
			b.WriteString("＠")
		case m == MarkupFeishu && feishuEntities[r] != "":
			b.WriteString(feishuEntities[r])
		case m == MarkupFeishu && i == 0 && (r == '-' || r == '+'):
			b.WriteString(fmt.Sprintf("&#%d;", r))
		case m == MarkupWeCom && (r == '<' || r == '>' || r == '&'):
			b.WriteString(html.EscapeString(string(r)))
		case m != MarkupFeishu && lookalikes[r] != "":
			b.WriteString(lookalikes[r])
		case m != MarkupFeishu && r == ':' && strings.HasPrefix(s[i+1:], "//"):
			b.WriteString("：")
		case m != MarkupFeishu && i == 0 && (r == '-' || r == '+'):
			b.WriteRune(r + 0xfee0) // full-width － or ＋
		case r == '.' && domainDot(s, i):
			// A client makes a bare domain (www.x.com) a link.
			if m == MarkupFeishu {
				b.WriteString("&#46;")
			} else {
				b.WriteString("．")
			}
		case (r == '.' || r == ')') && listNumber(s, i):
			// "1. x" at the start of a line would open an ordered list.
			b.WriteString("\u200b")
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// special marks the ASCII bytes Escape may change, and the lead bytes of
// C1 controls (0xc2), of line separators and bidi controls (0xe2) and of the
// Arabic letter mark (0xd8).
var special = func() (t [256]bool) {
	for i := range 0x20 {
		t[i] = true
	}
	for _, c := range []byte("@*_~`[]#\\|<>&:()$-+.\x7f\xc2\xd8\xe2") {
		t[c] = true
	}
	return t
}()

// inert reports whether s has nothing Escape would change but surrounding
// spaces: the common case of plain Chinese text, taken without allocating.
func inert(s string) bool {
	for i := 0; i < len(s); i++ {
		if special[s[i]] {
			return false
		}
	}
	return true
}

// domainDot reports whether the '.' at s[i] joins the labels of what a
// chat client would take for a domain name and make a link: the label after
// it a common top-level domain (evil.com, x.cn), or the label before it www.
// Other dots stay (3.5万, 2.0T, cluebot-2024-04-30.xlsx).
func domainDot(s string, i int) bool {
	if i == 0 || !alnum(s[i-1]) {
		return false
	}
	j := i + 1
	for j < len(s) && alnum(s[j]) {
		j++
	}
	if tlds[strings.ToLower(s[i+1:j])] {
		return true
	}
	k := i
	for k > 0 && alnum(s[k-1]) {
		k--
	}
	return strings.EqualFold(s[k:i], "www") && j > i+1
}

func alnum(c byte) bool { return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z' }

// tlds are the top-level domains chat clients are known to link, and the
// common ones of ads and scams.
var tlds = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range strings.Fields(`com cn net org top xyz vip cc io me info shop site club online link app co
		tv ly ai hk tw so wang ink ren work fun icu ltd biz store live pro asia mobi red kim gov edu int
		us uk jp kr ru de fr cloud tech space website press fit`) {
		m[t] = true
	}
	return m
}()

// listNumber reports whether the '.' or ')' at s[i] ends an ordered-list
// marker: only digits before it, and a space or nothing after it.
func listNumber(s string, i int) bool {
	prefix := s[:i]
	if prefix == "" || len(prefix) > 9 || i+1 < len(s) && s[i+1] != ' ' {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if prefix[i] < '0' || prefix[i] > '9' {
			return false
		}
	}
	return true
}

// oneLine turns line and paragraph breaks, tabs and other control
// characters into single spaces, drops bidirectional controls (isBidi), and
// trims the result, so text from a lead can never start a markdown block.
func oneLine(s string) string {
	clean := true
	for _, r := range s {
		if r < 0x20 || r == 0x7f || unicode.Is(unicode.Cc, r) || r == '\u2028' || r == '\u2029' || isBidi(r) {
			clean = false
			break
		}
	}
	if clean {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case isBidi(r):
			continue
		case r < 0x20 || r == 0x7f || unicode.Is(unicode.Cc, r) || r == '\u2028' || r == '\u2029':
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// isBidi reports whether r is a bidirectional embedding, override or isolate
// (U+202A-U+202E, U+2066-U+2069), or an invisible direction mark (LRM, RLM,
// ALM), which could make text read in a different order than it is: a
// hostile name could show the phone or the price after it reversed. Every
// chat platform's text goes through here. The plain webhook is JSON for
// programs and carries lead text as it came, controls included.
func isBidi(r rune) bool {
	return r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' ||
		r == '\u200e' || r == '\u200f' || r == '\u061c'
}
