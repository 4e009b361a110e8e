package route

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/cluebot/cluebot/clue"
)

// RegexpPrefix starts a pattern that is an RE2 regular expression.
const RegexpPrefix = "re:"

// glob is a pattern with `*` wildcards, anchored at both ends: the value
// starts with first, ends with last, and holds each of mid in order between.
type glob struct {
	first, last string
	mid         []string
}

// compileGlob splits a glob at its unescaped stars; `\*` is a literal star
// and `\\` a backslash. It reports false when every star was escaped: the
// pattern is then the exact value first.
func compileGlob(s string) (glob, bool, error) {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '*':
			parts = append(parts, cur.String())
			cur.Reset()
		case '\\':
			if i+1 >= len(s) || (s[i+1] != '*' && s[i+1] != '\\') {
				return glob{}, false, errors.New(`a backslash must escape "*" or "\"`)
			}
			i++
			cur.WriteByte(s[i])
		default:
			cur.WriteByte(c)
		}
	}
	parts = append(parts, cur.String())
	n := len(parts)
	g := glob{first: parts[0], last: parts[n-1]}
	for _, p := range parts[1:max(n-1, 1)] {
		if p != "" {
			g.mid = append(g.mid, p)
		}
	}
	return g, n > 1, nil
}

func (g *glob) match(s string) bool {
	if len(s) < len(g.first)+len(g.last) || !hasPrefix(s, g.first) || !hasSuffix(s, g.last) {
		return false
	}
	s = s[len(g.first) : len(s)-len(g.last)]
	for _, p := range g.mid {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return true
}

// hasPrefix is strings.HasPrefix, comparing the prefix's last byte (the
// most varied one in UTF-8 text) before the whole prefix.
func hasPrefix(s, p string) bool {
	n := len(p)
	return n == 0 || len(s) >= n && s[n-1] == p[n-1] && s[:n] == p
}

// hasSuffix is strings.HasSuffix, comparing the last byte first.
func hasSuffix(s, p string) bool {
	n, m := len(p), len(s)
	return n == 0 || m >= n && s[m-1] == p[n-1] && s[m-n:] == p
}

// strSet matches a string against any of its patterns.
type strSet struct {
	exact []string
	globs []glob
	res   []rx
}

func (s *strSet) empty() bool { return len(s.exact)+len(s.globs)+len(s.res) == 0 }

// add compiles one pattern: `re:<regexp>`, a glob when it holds a `*`, else
// an exact value.
func (s *strSet) add(pat string) error {
	switch {
	case strings.HasPrefix(pat, RegexpPrefix):
		expr := pat[len(RegexpPrefix):]
		if expr == "" {
			return errors.New("empty regexp after re:")
		}
		re, err := compileRx(expr)
		if err != nil {
			return err
		}
		s.res = append(s.res, re)
	case strings.Contains(pat, "*"):
		g, wild, err := compileGlob(pat)
		switch {
		case err != nil:
			return fmt.Errorf("bad glob %q: %v", pat, err)
		case wild:
			s.globs = append(s.globs, g)
		default:
			s.exact = append(s.exact, g.first)
		}
	default:
		s.exact = append(s.exact, pat)
	}
	return nil
}

func (s *strSet) match(v string) bool {
	for _, e := range s.exact {
		if v == e {
			return true
		}
	}
	for i := range s.globs {
		if s.globs[i].match(v) {
			return true
		}
	}
	for i := range s.res {
		if s.res[i].match(v) {
			return true
		}
	}
	return false
}

// cost ranks how expensive a match is, to try cheap conditions first.
func (s *strSet) cost() int {
	for i := range s.res {
		if s.res[i].kind == rxRegexp {
			return 10
		}
	}
	if len(s.globs)+len(s.res) > 0 {
		return 3
	}
	return 2
}

// enumCodes compiles an enum pattern to the codes it stands for: a number is
// a code, one the vendor sends (see clue.Enum.Sends); a label stands for every code carrying it; a glob or
// re: pattern for the codes of every label it matches.
func enumCodes(e *clue.Enum, pat string) ([]int64, error) {
	if code, ok := parseCode(pat); ok {
		if !e.Sends(code) {
			return nil, fmt.Errorf("unknown %s code %d (want one of %s, or a label)", e.Name(), code, sentCodes(e))
		}
		return []int64{code}, nil
	}
	var s strSet
	if err := s.add(pat); err != nil {
		return nil, err
	}
	if len(s.globs)+len(s.res) == 0 {
		if codes := e.Codes(pat); codes != nil {
			return codes, nil
		}
		return nil, fmt.Errorf("unknown %s label %q (use a code or one of: %s)",
			e.Name(), pat, strings.Join(e.Labels(), ", "))
	}
	var codes []int64
	for _, l := range e.Labels() {
		if s.match(l) {
			codes = append(codes, e.Codes(l)...)
		}
	}
	if codes == nil {
		return nil, fmt.Errorf("pattern %q matches no %s label", pat, e.Name())
	}
	return codes, nil
}

// sentCodes lists the codes of a closed enum for an error message: with
// their labels when there are few, else as ranges (101..110).
func sentCodes(e *clue.Enum) string {
	codes := e.SentCodes()
	var parts []string
	if len(codes) <= 12 {
		for _, c := range codes {
			parts = append(parts, fmt.Sprintf("%d %s", c, e.Label(c)))
		}
		return strings.Join(parts, ", ")
	}
	for i := 0; i < len(codes); {
		j := i
		for j+1 < len(codes) && codes[j+1] == codes[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d..%d", codes[i], codes[j]))
		} else {
			parts = append(parts, strconv.FormatInt(codes[i], 10))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// checkID checks a pattern for key, whose values are decimal ids: an exact
// value or a glob must hold digits only (and stars), or nothing where an
// id may be missing (allowEmpty); re: patterns are taken as they are.
func checkID(key, pat string, allowEmpty bool) error {
	if strings.HasPrefix(pat, RegexpPrefix) || pat == "" && allowEmpty {
		return nil
	}
	digits := strings.ReplaceAll(pat, "*", "")
	if digits == "" && pat != "" || digits != "" && strings.Trim(digits, "0123456789") == "" {
		return nil
	}
	return fmt.Errorf("%s %q is not a number (want an id like 20006545, a glob like \"2000*\" or re:<regexp>)", key, pat)
}

// parseCode parses a decimal integer, optionally negative, with no spaces.
func parseCode(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && !strings.HasPrefix(s, "+")
}
