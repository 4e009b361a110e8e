// Package secret holds credentials in a type that redacts itself wherever it
// is printed, logged or marshalled, so tokens and robot keys never leak into
// logs, errors or reports by accident.
package secret

import (
	"encoding/json"
	"log/slog"
	"strings"
)

// Redacted is what every secret prints as.
const Redacted = "<redacted>"

// String is a credential. Its String, GoString, MarshalJSON, MarshalText and
// LogValue methods all redact it; Reveal returns the real value to the code
// that must send it.
type String string

// Reveal returns the secret's real value.
func (s String) Reveal() string { return string(s) }

// IsZero reports whether the secret is empty.
func (s String) IsZero() bool { return s == "" }

// String implements fmt.Stringer and redacts the secret.
func (s String) String() string {
	if s == "" {
		return ""
	}
	return Redacted
}

// GoString implements fmt.GoStringer and redacts the secret.
func (s String) GoString() string { return s.String() }

// LogValue implements slog.LogValuer and redacts the secret.
func (s String) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON redacts the secret.
func (s String) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// MarshalText redacts the secret.
func (s String) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Scrubber removes known secret values from free text such as an upstream
// error message or a URL that embeds a key.
type Scrubber struct {
	values []string
}

// Add registers secret values to scrub; empty and very short values are ignored
// because replacing them would mangle ordinary text.
func (sc *Scrubber) Add(values ...string) {
	for _, v := range values {
		if len(v) >= 4 {
			sc.values = append(sc.values, v)
		}
	}
}

// Scrub returns text with every registered secret replaced by Redacted.
func (sc *Scrubber) Scrub(text string) string {
	if sc == nil {
		return text
	}
	for _, v := range sc.values {
		if strings.Contains(text, v) {
			text = strings.ReplaceAll(text, v, Redacted)
		}
	}
	return text
}
