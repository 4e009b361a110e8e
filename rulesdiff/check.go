package rulesdiff

import (
	"errors"

	"github.com/cluebot/cluebot/fileerr"
	"github.com/cluebot/cluebot/route"
)

// Checker compiles rules text as rules.yaml is loaded (checked against the
// configured receivers and templates, in the configured zone). name is what
// errors are placed in. Problems come back as a fileerr.List, one a line.
type Checker func(name string, text []byte) (*route.Rules, error)

// LineError is one problem of rules text, as the API reports it.
type LineError struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// LineErrors turns a Checker's error into the API's list: each problem with
// its line (0 when it has none) and its message without the file name.
func LineErrors(err error) []LineError {
	var list fileerr.List
	if !errors.As(err, &list) {
		return []LineError{{Message: err.Error()}}
	}
	out := make([]LineError, 0, len(list))
	for _, e := range list {
		var fe *fileerr.Error
		if errors.As(e, &fe) {
			msg := fe.Msg
			if fe.Key != "" {
				msg = fe.Key + ": " + msg
			}
			out = append(out, LineError{Line: fe.Line, Message: msg})
			continue
		}
		out = append(out, LineError{Line: fileerr.Line(e), Message: e.Error()})
	}
	return out
}
