package transform

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/cluebot/cluebot/clue"
)

// CascadeType is the comp_type of a cascade answer, whose value is a
// JSON-encoded array of levels.
const CascadeType = "级联单选"

// Answer is one form answer. Value is what people read: for a cascade, its
// levels joined with "/". Levels holds a cascade's levels and is nil for a
// plain answer (or a cascade whose value was malformed and is kept as is).
type Answer struct {
	Label  string
	Value  string
	Levels []string
	Type   string // the vendor's comp_type: 姓名, 电话, 级联单选, ...
}

// IsPhone reports whether the answer holds a phone number: its type or its
// label says 电话 or 手机.
func (a Answer) IsPhone() bool {
	for _, s := range []string{a.Type, a.Label} {
		if strings.Contains(s, "电话") || strings.Contains(s, "手机") {
			return true
		}
	}
	return false
}

// Level returns level n of the answer, counted from 1; a negative n counts
// from the last level (-1 is the last); 0 is the whole value. A plain answer
// has a single level. Out of range gives "".
func (a Answer) Level(n int) string {
	if n == 0 {
		return a.Value
	}
	levels := a.Levels
	if levels == nil {
		levels = []string{a.Value}
	}
	if n < 0 {
		n += len(levels) + 1
	}
	if n < 1 || n > len(levels) {
		return ""
	}
	return levels[n-1]
}

// FieldRef points at one form answer, by label, and one level of it.
type FieldRef struct {
	Form  string `yaml:"form" json:"form"`
	Level int    `yaml:"level" json:"level"`
}

// From returns the referenced value among answers, or "" when the reference
// is empty or no answer matches.
func (f FieldRef) From(answers []Answer) string {
	if f.Form == "" {
		return ""
	}
	for _, a := range answers {
		if a.Label == f.Form {
			return strings.TrimSpace(a.Level(f.Level))
		}
	}
	return ""
}

// Fields is the `fields:` mapping of rules.yaml: which answer (and which
// cascade level) holds the province, city and store when a clue carries no
// store_info.
type Fields struct {
	Province FieldRef `yaml:"province" json:"province"`
	City     FieldRef `yaml:"city" json:"city"`
	Store    FieldRef `yaml:"store" json:"store"`
}

// answers converts the vendor's answers, splitting cascades into levels.
func answers(details []clue.Answer) []Answer {
	if len(details) == 0 {
		return nil
	}
	out := make([]Answer, 0, len(details))
	for _, d := range details {
		a := Answer{
			Label: strings.TrimSpace(string(d.Key)),
			Value: strings.TrimSpace(string(d.Value)),
			Type:  strings.TrimSpace(string(d.CompType)),
		}
		if levels, ok := decodeLevels(a.Value); ok {
			a.Levels = levels
			a.Value = strings.Join(levels, "/")
		}
		out = append(out, a)
	}
	return out
}

// decodeLevels decodes a JSON array of strings or numbers. It reports false
// for anything else, so a malformed value is kept as it came.
func decodeLevels(v string) ([]string, bool) {
	if !strings.HasPrefix(v, "[") {
		return nil, false
	}
	var strs []string // the usual shape, decoded in one pass
	if json.Unmarshal([]byte(v), &strs) == nil {
		for i, s := range strs {
			strs[i] = strings.TrimSpace(s)
		}
		return strs, true
	}
	var raws []json.RawMessage
	if json.Unmarshal([]byte(v), &raws) != nil {
		return nil, false
	}
	levels := make([]string, 0, len(raws))
	for _, r := range raws {
		r = bytes.TrimSpace(r)
		var s string
		switch {
		case len(r) > 0 && r[0] == '"':
			if json.Unmarshal(r, &s) != nil {
				return nil, false
			}
		case len(r) > 0 && (r[0] == '-' || (r[0] >= '0' && r[0] <= '9')):
			s = string(r)
		default:
			return nil, false
		}
		levels = append(levels, strings.TrimSpace(s))
	}
	return levels, true
}

// Form returns the answers as label → display value (cascades joined with
// "/"). Answers sharing a label are joined with "; ".
func (l Lead) Form() map[string]string {
	m := make(map[string]string, len(l.Answers))
	for _, a := range l.Answers {
		if prev, ok := m[a.Label]; ok {
			m[a.Label] = prev + "; " + a.Value
			continue
		}
		m[a.Label] = a.Value
	}
	return m
}

// Answer returns the first answer labelled label.
func (l Lead) Answer(label string) (Answer, bool) {
	for _, a := range l.Answers {
		if a.Label == label {
			return a, true
		}
	}
	return Answer{}, false
}
