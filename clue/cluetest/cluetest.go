// Package cluetest holds what the tests of the clue model and of its users
// share: an independent reading (through encoding/json) of what a vendor id
// should decode to, the shape every decoded id must have, and a hostile
// record for the writers of leads.
package cluetest

import (
	"bytes"
	stdjson "encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
)

// ExpectedID reads an id the way clue.ID documents it, with encoding/json as
// an independent decoder: a positive decimal number or quoted decimal number
// (surrounding spaces trimmed), kept digit for digit; anything else is no id.
func ExpectedID(raw stdjson.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	s := string(raw)
	if len(raw) > 0 && raw[0] == '"' {
		if stdjson.Unmarshal(raw, &s) != nil {
			return ""
		}
		s = strings.TrimSpace(s)
	}
	if s == "0" || len(s) > clue.MaxIDDigits || !IsDigits(s) {
		return ""
	}
	return s
}

// IsDigits reports whether s is a non-empty run of ASCII digits.
func IsDigits(s string) bool {
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

// RequireIDShape checks that an id is empty or a decimal string, never a
// float rendering, a sign, a zero or JSON text.
func RequireIDShape(t *testing.T, what string, id clue.ID) {
	t.Helper()
	s := id.String()
	require.True(t, s == "" || (s != "0" && IsDigits(s)), "%s %q is not a decimal id", what, s)
	b, err := id.MarshalJSON()
	require.NoError(t, err)
	require.Equal(t, strconv.Quote(s), string(b), "%s must marshal as a JSON string", what)
}

// HasCaseTwins reports whether some key is not plain lower-case ASCII. Both
// Go JSON decoders match struct fields case-insensitively, with Unicode
// folding (ſ matches s), while a map lookup is exact: such records are left
// to the other properties.
func HasCaseTwins(obj map[string]stdjson.RawMessage) bool {
	for k := range obj {
		for i := 0; i < len(k); i++ {
			if c := k[i]; c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf {
				return true
			}
		}
	}
	return false
}
