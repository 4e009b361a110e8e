package config

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/go-viper/mapstructure/v2"
)

// Error is one config problem at a position in a file.
type Error struct {
	File string
	Line int // 0 when unknown
	Key  string
	Msg  string
}

// Error formats the problem as file:line: key: message.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	// One problem, one line: a newline inside a key or value is shown escaped.
	return strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(b.String())
}

// Errors is every problem found in a config, one per line when printed.
type Errors []error

// Error joins the problems with newlines.
func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap exposes the individual problems to errors.Is and errors.As.
func (es Errors) Unwrap() []error { return es }

// errorAt positions a validation error of the form "key.path: message".
func (d *document) errorAt(err error) error {
	msg := err.Error()
	key, rest, ok := strings.Cut(msg, ": ")
	if !ok || strings.ContainsAny(key, " \t") {
		return &Error{File: d.name, Msg: msg}
	}
	return &Error{File: d.name, Line: d.line(key), Key: key, Msg: rest}
}

// decodeErrors turns mapstructure's joined errors into positioned ones.
func (d *document) decodeErrors(err error, prefix string) Errors {
	var out Errors
	var walk func(error)
	walk = func(e error) {
		var de *mapstructure.DecodeError
		if errors.As(e, &de) && !isJoin(e) {
			key := normalizeKey(de.Name())
			if prefix != "" {
				key = strings.TrimSuffix(prefix+"."+key, ".")
			}
			inner := de.Unwrap()
			out = append(out, &Error{File: d.name, Line: d.line(key), Key: key, Msg: inner.Error()})
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		if u := errors.Unwrap(e); u != nil {
			walk(u)
			return
		}
		out = append(out, &Error{File: d.name, Msg: e.Error()})
	}
	walk(err)
	return out
}

// sortByLine orders problems as they appear in the file.
func sortByLine(errs Errors) {
	sort.SliceStable(errs, func(i, j int) bool { return lineOf(errs[i]) < lineOf(errs[j]) })
}

func isJoin(e error) bool {
	_, ok := e.(interface{ Unwrap() []error })
	return ok
}

func lineOf(e error) int {
	var ce *Error
	if errors.As(e, &ce) {
		return ce.Line
	}
	return 0
}

// normalizeKey turns mapstructure names like receivers[a].url or
// accounts[0] into dotted koanf paths.
func normalizeKey(k string) string {
	k = strings.ReplaceAll(k, "[", ".")
	k = strings.ReplaceAll(k, "]", "")
	return strings.Trim(k, ".")
}
