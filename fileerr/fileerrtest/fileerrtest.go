// Package fileerrtest checks, in tests, that an error keeps the contract of
// a fileerr.List: the one both cluebot.yaml's and rules.yaml's parsers are
// fuzzed against.
package fileerrtest

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fileerr"
)

// RequireList checks that err, from parsing data as file, is a non-empty
// fileerr.List of *fileerr.Error in that file, in line order, each at a line
// the file has; and that it prints one problem a line, each shaped
// "file:line: message" (or "file: message" when it has no line). It
// returns the list.
func RequireList(t testing.TB, err error, file string, data []byte) fileerr.List {
	t.Helper()
	var errs fileerr.List
	require.ErrorAs(t, err, &errs)
	require.NotEmpty(t, errs)
	lines, prev := Lines(data), 0
	for _, e := range errs {
		var fe *fileerr.Error
		require.ErrorAs(t, e, &fe)
		require.Equal(t, file, fe.File)
		require.GreaterOrEqual(t, fe.Line, prev, "errors come in line order")
		require.LessOrEqual(t, fe.Line, lines+1, "the line is in the file")
		prev = fe.Line
	}
	shape := regexp.MustCompile(`^` + regexp.QuoteMeta(file) + `(:[1-9][0-9]*)?: \S`)
	msg := err.Error()
	require.Len(t, strings.Split(msg, "\n"), len(errs), "one problem a line:\n%s", msg)
	for _, line := range strings.Split(msg, "\n") {
		require.Regexp(t, shape, line, "every line is file:line: message")
	}
	return errs
}

// Lines is how many lines YAML may see in data: it breaks lines at \n,
// \r\n, a lone \r, NEL, LS and PS.
func Lines(data []byte) int {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	n := 1
	for _, sep := range []string{"\n", "\r", "\u0085", "\u2028", "\u2029"} {
		n += strings.Count(s, sep)
	}
	return n
}
