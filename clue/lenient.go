package clue

import (
	"bytes"
	json "github.com/goccy/go-json"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ID is a vendor id kept as an opaque decimal string. The API sends ids as
// JSON numbers above 2^53 (one example has 22 digits, beyond int64), so they
// are never decoded through float64. It also accepts a quoted id.
type ID string

// UnmarshalJSON accepts a number, a quoted number or null.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*id = ""
	case b[0] == '"':
		*id = usableID(strings.TrimSpace(unquote(b)))
	default:
		*id = usableID(string(b))
	}
	return nil
}

// usableID is s as an ID when it is one: decimal digits, not 0, at most
// MaxIDDigits long; otherwise no id.
func usableID(s string) ID {
	if s == "0" || len(s) > MaxIDDigits || !isDecimal(s) {
		return ""
	}
	return ID(s)
}

// MaxIDDigits is the longest id accepted, far beyond any real one (22
// digits seen) and far below what a database index key holds: a record
// with a longer id is skipped and logged, where it would otherwise fail to
// store on every poll.
const MaxIDDigits = 40

func isDecimal(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MarshalJSON writes the id as a JSON string so no consumer reads it as a float.
func (id ID) MarshalJSON() ([]byte, error) { return json.Marshal(string(id)) }

// String returns the decimal id.
func (id ID) String() string { return string(id) }

// Int is a lenient integer: a number, a quoted number, a bool or null (0).
// Anything else decodes to 0 instead of failing the whole record.
type Int int64

// UnmarshalJSON decodes leniently and never fails.
func (n *Int) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*n = 0
	if len(b) == 0 {
		return nil
	}
	s := string(b)
	switch s {
	case "null", "false":
		return nil
	case "true":
		*n = 1
		return nil
	}
	if b[0] == '"' {
		s = strings.TrimSpace(unquote(b))
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		*n = Int(v)
	} else if f, err := strconv.ParseFloat(s, 64); err == nil && f >= math.MinInt64 && f < math.MaxInt64 {
		*n = Int(f) // NaN, ±Inf and out-of-range floats stay 0: Go's conversion of them is garbage
	}
	return nil
}

// Str is a lenient string: a string, a number (its literal text) or null.
type Str string

// UnmarshalJSON decodes leniently and never fails.
func (s *Str) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*s = ""
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if b[0] == '"' {
		*s = Str(unquote(b))
		return nil
	}
	if b[0] == '{' || b[0] == '[' {
		*s = Str(b) // keep structured values as their JSON text
		return nil
	}
	*s = Str(b)
	return nil
}

// unquote decodes a JSON string literal. Most vendor strings have no escapes
// and are sliced directly; the rest go through encoding/json. A malformed
// literal gives "".
func unquote(b []byte) string {
	if len(b) >= 2 && b[len(b)-1] == '"' {
		inner := b[1 : len(b)-1]
		if bytes.IndexByte(inner, '\\') < 0 && bytes.IndexByte(inner, '"') < 0 && utf8.Valid(inner) {
			return string(inner)
		}
	}
	var s string
	_ = unmarshal(b, &s)
	return s
}

// objectOrList decodes a value the vendor sends either as one object or as an
// array of them (child_intention_tag); anything else decodes to nothing.
func objectOrList[T any](b []byte) []T {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '[':
		var raws []json.RawMessage
		if unmarshal(b, &raws) != nil {
			return nil
		}
		out := make([]T, 0, len(raws))
		for _, r := range raws {
			var v T
			if unmarshal(r, &v) == nil {
				out = append(out, v)
			}
		}
		return out
	case '{':
		var v T
		if unmarshal(b, &v) == nil {
			return []T{v}
		}
	}
	return nil
}

// object decodes a value expected to be an object; a non-object decodes to the
// zero value instead of failing.
func object[T any](b []byte, v *T) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		_ = unmarshal(b, v)
	}
}
