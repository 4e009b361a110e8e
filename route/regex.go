package route

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
)

// rxKind is how an re: pattern is evaluated.
type rxKind uint8

const (
	rxRegexp   rxKind = iota // the regexp, after its prefilter
	rxContains               // contains one of lits
	rxPrefix                 // starts with one of lits
	rxSuffix                 // ends with one of lits
	rxEqual                  // equals one of lits
)

// rx is a compiled re: pattern. Regexps that are only literals (宝马,
// ^(郑州|洛阳)$, 试驾$) are answered with string functions; the others get a
// prefilter from their literal parts, so most leads never run the regexp.
type rx struct {
	re       *regexp.Regexp
	kind     rxKind
	lits     []string // the literals of a fast kind
	prefixes []string // prefilter: the value starts with one of these (nil: any)
	needs    []string // prefilter: the value contains each of these
}

// maxRxInsts bounds the compiled size of an re: pattern; a larger one is
// refused when rules.yaml loads. RE2 matches in time linear in the value and
// in the size of the program (some 15 ns per instruction and byte): a list
// of a hundred cities compiles to about 300 instructions, \pL{1000} to over
// a thousand, which take a second or two on a 100 KB value.
const maxRxInsts = 1000

func compileRx(expr string) (rx, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return rx{}, fmt.Errorf("bad regexp %q: %s%s", expr,
			strings.TrimPrefix(err.Error(), "error parsing regexp: "), rxHint(err))
	}
	r := rx{re: re}
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil { // cannot happen once regexp.Compile accepted it
		return r, nil
	}
	tree = tree.Simplify()
	if prog, err := syntax.Compile(tree); err == nil && len(prog.Inst) > maxRxInsts {
		return rx{}, fmt.Errorf("regexp %q is too large: %d instructions, over the limit of %d (use smaller repeat counts)",
			expr, len(prog.Inst), maxRxInsts)
	}
	if lits := literals(tree); lits != nil {
		r.kind, r.lits = rxContains, lits
		return r, nil
	}
	if tree.Op != syntax.OpConcat {
		return r, nil
	}
	inner := tree.Sub
	start := len(inner) > 0 && inner[0].Op == syntax.OpBeginText
	if start {
		inner = inner[1:]
	}
	end := len(inner) > 0 && inner[len(inner)-1].Op == syntax.OpEndText
	if end {
		inner = inner[:len(inner)-1]
	}
	if len(inner) == 1 && (start || end) {
		if lits := literals(inner[0]); lits != nil {
			r.lits = lits
			switch {
			case start && end:
				r.kind = rxEqual
			case start:
				r.kind = rxPrefix
			default:
				r.kind = rxSuffix
			}
			return r, nil
		}
	}
	if start && len(inner) > 0 {
		r.prefixes = literals(inner[0])
	}
	for _, sub := range inner {
		if s, ok := literal(sub); ok {
			r.needs = append(r.needs, s)
		}
	}
	return r, nil
}

// literal returns the text of a case-sensitive literal node.
func literal(n *syntax.Regexp) (string, bool) {
	if n.Op != syntax.OpLiteral || n.Flags&syntax.FoldCase != 0 {
		return "", false
	}
	return string(n.Rune), true
}

// literals returns the texts a node matches when it is a literal, or a
// (captured) alternation of literals; nil otherwise.
func literals(n *syntax.Regexp) []string {
	if n.Op == syntax.OpCapture && len(n.Sub) == 1 {
		n = n.Sub[0]
	}
	if s, ok := literal(n); ok {
		return []string{s}
	}
	if n.Op != syntax.OpAlternate {
		return nil
	}
	out := make([]string, 0, len(n.Sub))
	for _, sub := range n.Sub {
		s, ok := literal(sub)
		if !ok {
			return nil
		}
		out = append(out, s)
	}
	return out
}

func (r *rx) match(s string) bool {
	switch r.kind {
	case rxContains:
		return anyOf(r.lits, s, strings.Contains)
	case rxPrefix:
		return anyOf(r.lits, s, hasPrefix)
	case rxSuffix:
		return anyOf(r.lits, s, hasSuffix)
	case rxEqual:
		return anyOf(r.lits, s, func(a, b string) bool { return a == b })
	}
	if r.prefixes != nil && !anyOf(r.prefixes, s, hasPrefix) {
		return false
	}
	for _, n := range r.needs {
		if !strings.Contains(s, n) {
			return false
		}
	}
	return r.re.MatchString(s)
}

func anyOf(lits []string, s string, f func(s, lit string) bool) bool {
	for _, l := range lits {
		if f(s, l) {
			return true
		}
	}
	return false
}

// rxHint names the Perl or PCRE feature behind an RE2 syntax error, for
// someone who wrote a pattern for another engine; "" when there is none.
func rxHint(err error) string {
	var se *syntax.Error
	if !errors.As(err, &se) {
		return ""
	}
	e := se.Expr
	switch {
	case se.Code == syntax.ErrInvalidEscape && len(e) > 1 && strings.ContainsRune("123456789gk", rune(e[1])),
		e == "(?P" || strings.HasPrefix(e, "(?P="):
		return " (RE2 has no backreferences)"
	case strings.HasPrefix(e, "(?=") || strings.HasPrefix(e, "(?!"):
		return " (RE2 has no lookahead)"
	case strings.HasPrefix(e, "(?<=") || strings.HasPrefix(e, "(?<!"):
		return " (RE2 has no lookbehind)"
	case strings.HasPrefix(e, "(?>"):
		return " (RE2 has no atomic groups)"
	case se.Code == syntax.ErrInvalidRepeatOp && strings.HasSuffix(e, "+"):
		return " (RE2 has no possessive quantifiers)"
	case se.Code == syntax.ErrInvalidRepeatSize:
		return " (a repeat count is at most 1000)"
	}
	return ""
}
