package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/secret"
)

// DefaultTimeout bounds one request when New is given no HTTP client.
const DefaultTimeout = 15 * time.Second

// maxAnswer is how much of an answer is read.
const maxAnswer = 1 << 20

// Answer is what a robot answered to one request.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// Post sends body to target and reads the answer. A transport failure
// (network, timeout, cancelled context) returns an error that holds neither
// the URL (the *url.Error wrapper that prints it is dropped) nor anything
// scrub knows. Every integration posts through it.
func Post(ctx context.Context, client *http.Client, target, contentType string, body []byte, header http.Header, scrub *secret.Scrubber) (*Answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, errors.New("the receiver's url is not valid")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", "cluebot")
	resp, err := client.Do(req)
	if err != nil {
		return nil, Sanitize(err, scrub)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", Sanitize(err, scrub))
	}
	return &Answer{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// Sanitize returns err without the *url.Error wrapper (whose text holds the
// URL) and with every secret scrub knows removed from its text. An error
// whose text needed scrubbing is replaced by a plain error with that text.
func Sanitize(err error, scrub *secret.Scrubber) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if text := scrub.Scrub(err.Error()); text != err.Error() {
		return errors.New(text)
	}
	return err
}

// Scrubber returns a scrubber for what a receiver's errors must never
// show: its URL, every query value (access_token, key), long path segments
// (a Feishu hook id), a password in the URL and the signing secret.
func Scrubber(cfg *notify.ReceiverConfig) *secret.Scrubber {
	sc := &secret.Scrubber{}
	raw := cfg.URL.Reveal()
	sc.Add(raw, cfg.Secret.Reveal())
	if u, err := url.Parse(raw); err == nil {
		for _, vs := range u.Query() {
			sc.Add(vs...)
		}
		for _, seg := range strings.Split(u.Path, "/") {
			if len(seg) >= 16 {
				sc.Add(seg)
			}
		}
		if p, ok := u.User.Password(); ok {
			sc.Add(p)
		}
		sc.Add(u.RawQuery)
	}
	return sc
}

// Snippet returns the start of an answer's body as one line of at most 200
// bytes, scrubbed, for an error message.
func Snippet(body []byte, scrub *secret.Scrubber) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	return notify.TruncateBytes(scrub.Scrub(s), 200)
}

// RetryAfter reads a Retry-After header given in seconds; 0 when absent.
func RetryAfter(h http.Header) time.Duration {
	var secs int
	if _, err := fmt.Sscan(h.Get("Retry-After"), &secs); err != nil || secs <= 0 {
		return 0
	}
	return time.Duration(secs) * time.Second
}

// Verdict is how a platform classifies one of its result codes: the class,
// a hint for the operator and how long the robot refuses messages.
type Verdict struct {
	Class      notify.Class
	Hint       string
	RetryAfter time.Duration
}

// Judge reads the result code of a JSON answer (the first of codeKeys
// present, with its message under msgKey) and returns nil for code 0, or the
// failure, filled into a copy of base (receiver and platform). A 5xx answer
// is retried whatever it says. An answer without a code is classified by
// its status, and a 2xx one that is not JSON is retried.
func Judge(ans *Answer, base notify.Error, codeKeys []string, msgKey string, classify func(code int, msg string) Verdict, scrub *secret.Scrubber) *notify.Error {
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
		e.Class, e.Err = notify.Retry, fmt.Errorf("http %d: %s", ans.Status, Snippet(ans.Body, scrub))
	case !found && ans.Status >= 200 && ans.Status < 300:
		e.Class, e.Err = notify.Retry, fmt.Errorf("http %d, answer without a result code: %s", ans.Status, Snippet(ans.Body, scrub))
	case !found:
		e.Class, e.Err = ClassOfStatus(ans.Status), fmt.Errorf("http %d: %s", ans.Status, Snippet(ans.Body, scrub))
	case code == 0:
		return nil
	default:
		v := classify(code, msg)
		e.Class, e.Code, e.RetryAfter = v.Class, code, v.RetryAfter
		e.Message = msg
		if v.Hint != "" {
			e.Message += " — " + v.Hint
		}
	}
	if e.Class == notify.Retry && e.RetryAfter == 0 {
		e.RetryAfter = RetryAfter(ans.Header)
	}
	return &e
}

// EncodeJSON encodes v without HTML escaping, so that <, > and & stay one
// byte each (the platforms count bytes) and bodies stay readable.
func EncodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// ClassOfStatus classifies an HTTP status for an answer that carries no
// platform code: 408, 425, 429 and 5xx are worth retrying, 413 is too large,
// any other status is permanent.
func ClassOfStatus(status int) notify.Class {
	switch {
	case status == http.StatusRequestEntityTooLarge:
		return notify.TooLarge
	case status == http.StatusRequestTimeout, status == http.StatusTooEarly,
		status == http.StatusTooManyRequests, status >= 500:
		return notify.Retry
	}
	return notify.Permanent
}

// RenderError turns a failure to build a message into a *notify.Error: a
// message too large even cut down (a digest: split it) is TooLarge, any
// other failure (a broken template) is permanent.
func RenderError(receiver, platform string, err error) *notify.Error {
	c := notify.Permanent
	if errors.Is(err, notify.ErrTooLarge) {
		c = notify.TooLarge
	}
	return &notify.Error{Receiver: receiver, Platform: platform, Class: c, Err: err}
}
