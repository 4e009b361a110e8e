package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cluebot/cluebot/secret"
)

// What every integration shares to talk to its robots: posting, reading the
// answer, and keeping the receiver's URL and secrets out of every error.

// DefaultTimeout bounds one request when an integration is given no HTTP
// client.
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
func Scrubber(cfg *ReceiverConfig) *secret.Scrubber {
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
	return TruncateBytes(scrub.Scrub(s), 200)
}

// RetryAfter reads a Retry-After header given in seconds; 0 when absent.
func RetryAfter(h http.Header) time.Duration {
	var secs int
	if _, err := fmt.Sscan(h.Get("Retry-After"), &secs); err != nil || secs <= 0 {
		return 0
	}
	return time.Duration(secs) * time.Second
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

// CheckURL checks that a receiver has an http(s) URL with a host, without
// repeating the URL in the error.
func CheckURL(cfg *ReceiverConfig) error {
	if cfg == nil {
		return errors.New("no receiver config")
	}
	u, err := url.Parse(cfg.URL.Reveal())
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("url: not an http(s) URL")
	}
	return nil
}

// OrDiscard returns logger, or one that discards when it is nil.
func OrDiscard(logger *slog.Logger) *slog.Logger {
	if logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return logger
}

// OrDefault returns client, or one with DefaultTimeout when it is nil.
func OrDefault(client *http.Client) *http.Client {
	if client == nil {
		return &http.Client{Timeout: DefaultTimeout}
	}
	return client
}
