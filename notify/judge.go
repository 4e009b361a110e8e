package notify

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cluebot/cluebot/secret"
)

// Verdict is how a platform classifies one of its result codes: the class,
// a hint for the operator, how long the robot refuses messages and whether
// the refusal is the receiver's rather than the message's.
type Verdict struct {
	Class      Class
	Hint       string
	RetryAfter time.Duration
	// ReceiverWide marks a permanent refusal of the receiver's
	// configuration (its token, key, secret, keyword or the robot's IP
	// allow-list), not of this message: every message to it would be
	// refused alike until an operator fixes it.
	ReceiverWide bool
}

// Judge reads the result code of a JSON answer (the first of codeKeys
// present, with its message under msgKey) and returns nil for code 0, or the
// failure, filled into a copy of base (receiver and platform). A 5xx answer
// is retried whatever it says. An answer without a code is classified by
// its status, and a 2xx one that is not JSON is retried.
func Judge(ans *Answer, base Error, codeKeys []string, msgKey string, classify func(code int, msg string) Verdict, scrub *secret.Scrubber) *Error {
	e := base
	e.HTTPStatus = ans.Status
	var obj map[string]json.RawMessage
	code, found := 0, false
	if json.Unmarshal(ans.Body, &obj) == nil {
		for _, k := range codeKeys {
			if json.Unmarshal(obj[k], &code) == nil && obj[k] != nil {
				found = true
				break
			}
		}
	}
	var msg string
	json.Unmarshal(obj[msgKey], &msg)
	msg = strings.Join(strings.Fields(scrub.Scrub(msg)), " ")
	switch {
	case ans.Status >= 500:
		e.Class, e.Err = Retry, fmt.Errorf("http %d: %s", ans.Status, Snippet(ans.Body, scrub))
	case !found && ans.Status >= 200 && ans.Status < 300:
		e.Class, e.Err = Retry, fmt.Errorf("http %d, answer without a result code: %s", ans.Status, Snippet(ans.Body, scrub))
	case !found:
		e.Class, e.Err = ClassOfStatus(ans.Status), fmt.Errorf("http %d: %s", ans.Status, Snippet(ans.Body, scrub))
	case code == 0:
		return nil
	default:
		v := classify(code, msg)
		e.Class, e.Code, e.RetryAfter = v.Class, code, v.RetryAfter
		e.ReceiverWide = v.ReceiverWide && v.Class == Permanent
		e.Message = msg
		if v.Hint != "" {
			e.Message += " — " + v.Hint
		}
	}
	if e.Class == Retry && e.RetryAfter == 0 {
		e.RetryAfter = RetryAfter(ans.Header)
	}
	return &e
}

// ClassOfStatus classifies an HTTP status for an answer that carries no
// platform code: 408, 425, 429 and 5xx are worth retrying, 413 is too large,
// any other status is permanent.
func ClassOfStatus(status int) Class {
	switch {
	case status == http.StatusRequestEntityTooLarge:
		return TooLarge
	case status == http.StatusRequestTimeout, status == http.StatusTooEarly,
		status == http.StatusTooManyRequests, status >= 500:
		return Retry
	}
	return Permanent
}

// RenderError turns a failure to build a message into a *Error: a message
// too large even cut down (a digest: split it) is TooLarge, any other
// failure (a broken template) is permanent.
func RenderError(receiver, platform string, err error) *Error {
	c := Permanent
	if errors.Is(err, ErrTooLarge) {
		c = TooLarge
	}
	return &Error{Receiver: receiver, Platform: platform, Class: c, Err: err}
}
