package config

import (
	"errors"
	"strings"

	"github.com/go-viper/mapstructure/v2"

	"github.com/cluebot/cluebot/fileerr"
)

// Error is one config problem at a position in a file.
type Error = fileerr.Error

// Errors is every problem found in a config, one per line when printed.
type Errors = fileerr.List

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

// reported reports whether a problem at e's key, or at a key containing it
// or contained in it, is in l already: a value that did not decode is not
// also reported as invalid.
func reported(l Errors, e error) bool {
	var fe *Error
	if !errors.As(e, &fe) || fe.Key == "" {
		return false
	}
	for _, x := range l {
		var xe *Error
		if errors.As(x, &xe) && xe.Key != "" && related(xe.Key, fe.Key) {
			return true
		}
	}
	return false
}

// related reports whether key a is b, or one contains the other.
func related(a, b string) bool {
	return a == b || strings.HasPrefix(a, b+".") || strings.HasPrefix(b, a+".")
}

func isJoin(e error) bool {
	_, ok := e.(interface{ Unwrap() []error })
	return ok
}

// normalizeKey turns mapstructure names like receivers[a].url or
// accounts[0] into dotted koanf paths.
func normalizeKey(k string) string {
	k = strings.ReplaceAll(k, "[", ".")
	k = strings.ReplaceAll(k, "]", "")
	return strings.Trim(k, ".")
}
