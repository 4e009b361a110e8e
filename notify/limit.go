package notify

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrTooLarge is wrapped by Fit's error for a digest that does not fit the
// platform's size limit even with every field cut: the caller splits it.
var ErrTooLarge = errors.New("message too large")

// Shrink is how hard Render cuts a message down to fit a size limit. Form
// answers go first, then summary rows, then the length of every field.
type Shrink int

// The shrink levels, in the order Fit tries them.
const (
	ShrinkNone      Shrink = iota // everything as it is
	ShrinkAnswers                 // ≤ 10 answers of ≤ 90 bytes, fields ≤ 120 bytes, ≤ 10 rows a section
	ShrinkNoAnswers               // no answers, fields ≤ 60 bytes, ≤ 5 rows a section
	ShrinkFields                  // no answers, fields ≤ 24 bytes, ≤ 3 rows a section
	ShrinkMax       = ShrinkFields
)

// caps are the limits of one shrink level; -1 is no limit.
type caps struct {
	answers, answerBytes, labelBytes, fieldBytes, rows int
}

func (s Shrink) caps() caps {
	switch s {
	case ShrinkNone:
		return caps{-1, -1, -1, -1, -1}
	case ShrinkAnswers:
		return caps{10, 90, 30, 120, 10}
	case ShrinkNoAnswers:
		return caps{0, 0, 24, 60, 5}
	}
	return caps{0, 0, 12, 24, 3}
}

// Ellipsis ends text that was cut.
const Ellipsis = "…"

// TruncateBytes returns s cut to at most n bytes on a UTF-8 boundary, ending
// with Ellipsis when it was cut. A negative n means no limit.
func TruncateBytes(s string, n int) string {
	if n < 0 || len(s) <= n {
		return s
	}
	cut := n - len(Ellipsis)
	if cut <= 0 {
		return ""
	}
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + Ellipsis
}

// CutText shortens text by at least over bytes and keeps the mentions whole:
// they are taken out, the rest is cut on a UTF-8 boundary (never inside an
// HTML entity) and ends with Ellipsis, and the mentions follow on their own
// line.
func CutText(text string, over int, mentions []string) string {
	total := len(text)
	suffix := ""
	for _, m := range mentions {
		if m != "" {
			text = strings.ReplaceAll(text, m, "")
			suffix += " " + m
		}
	}
	if suffix != "" {
		suffix = "\n\n" + strings.TrimSpace(suffix)
	}
	target := total - over - len(suffix)
	if target <= 0 {
		return strings.TrimSpace(suffix)
	}
	if len(text) > target {
		cut := target - len(Ellipsis)
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		if cut < 0 {
			cut = 0
		}
		head := text[:cut]
		// Never leave half an entity such as "&#4" behind.
		if amp := strings.LastIndexByte(head, '&'); amp >= 0 && amp >= len(head)-10 &&
			!strings.Contains(head[amp:], ";") {
			head = head[:amp]
		}
		text = strings.TrimRight(head, " \n") + Ellipsis
	}
	return text + suffix
}

// Fit renders msg at each shrink level in turn and returns the first
// rendering whose size, as measured by size (the body's bytes, or a field's),
// is at most limit. A single lead or a summary that is still too large is
// cut with CutText, keeping its mentions, until it fits. A digest, or an
// escalation of several leads, that is still too large returns an error
// wrapping ErrTooLarge, so the caller can split it into smaller ones. The last call of size is always on the
// rendering Fit returns, so size may build and keep the body it measures.
func (t *Templates) Fit(msg *Message, o RenderOptions, limit int, size func(*Rendered) int) (*Rendered, error) {
	var r *Rendered
	n := 0
	for s := ShrinkNone; s <= ShrinkMax; s++ {
		o.Shrink = s
		var err error
		if r, err = t.Render(msg, o); err != nil {
			return nil, err
		}
		if n = size(r); n <= limit {
			return r, nil
		}
	}
	if r.Kind == KindDigest || (r.Kind == KindEscalation && len(msg.Alerts) > 1) {
		return nil, fmt.Errorf("%s of %d leads needs %d bytes, over the %d-byte limit: %w",
			r.Kind, len(msg.Alerts), n, limit, ErrTooLarge)
	}
	for range 16 {
		r.Text = CutText(r.Text, n-limit+8, r.Mentions)
		if n = size(r); n <= limit {
			return r, nil
		}
	}
	return nil, fmt.Errorf("%s needs %d bytes even cut, over the %d-byte limit: %w", r.Kind, n, limit, ErrTooLarge)
}
