// Package fileerr reports problems at the lines of a file an admin edits.
// cluebot.yaml (package config) and rules.yaml (package route) both report
// with it, so `cluebot config check` prints every problem alike: one a line,
// as file:line: key: message, in the order they appear in the file.
package fileerr

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Error is one problem at a line of a file.
type Error struct {
	File string
	Line int    // counted from 1; 0 when the problem has no single place
	Key  string // the key's dotted path, when there is one
	Msg  string
}

// oneLine shows a newline inside a key, value or message escaped, so each
// problem prints as one line.
var oneLine = strings.NewReplacer("\n", `\n`, "\r", `\r`)

// Error formats the problem as file:line: key: message, leaving out the
// line and key when they are not known.
func (e *Error) Error() string { return e.format("") }

// Warning formats the problem as a warning, one that does not stop
// cluebot: file:line: warning: key: message.
func (e *Error) Warning() string { return e.format("warning: ") }

// format formats the problem with tag after its place.
func (e *Error) format(tag string) string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	b.WriteString(tag)
	if e.Key != "" {
		b.WriteString(showKey(e.Key))
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return oneLine.Replace(b.String())
}

// showKey quotes a key that begins or ends with white space or holds a
// character that does not print, so the admin sees where the key starts
// and every problem line still reads file:line: key: message.
func showKey(key string) string {
	if strings.TrimSpace(key) != key || strings.IndexFunc(key, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return strconv.Quote(key)
	}
	return key
}

// List is every problem found in a file, one a line when printed.
type List []error

// Error joins the problems with newlines.
func (l List) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap exposes the problems to errors.Is and errors.As.
func (l List) Unwrap() []error { return l }

// Sort orders the problems by line, keeping the order of those on one line.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool { return Line(l[i]) < Line(l[j]) })
}

// Line is the line of the *Error in err's chain, or 0.
func Line(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Line
	}
	return 0
}
