package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"syscall"

	"github.com/cluebot/cluebot/errclass"
	"github.com/cluebot/cluebot/store"
)

// Class says what a caller should do about a failed API call. It is
// errclass.Class, the vocabulary notify's send failures use too, so logs
// and metrics name an API failure and a robot's refusal in the same words.
type Class = errclass.Class

// The classes of an API failure. The zero value is ClassPermanent, so an
// unclassified failure is never retried by accident.
const (
	// ClassPermanent: retrying will not help (bad request, unknown code, the
	// caller's context ended).
	ClassPermanent = errclass.Permanent
	// ClassRetryable: a transient failure (5xx, 429, timeout, network error,
	// a body that is not JSON, a busy or rate-limit code); retry with backoff.
	ClassRetryable = errclass.Retry
	// ClassAuth: the access token was refused; refresh it once and retry.
	ClassAuth = errclass.Auth
)

// ErrReauthorize is wrapped by the error returned when an account's token can
// not be refreshed here: a person must authorise the account again.
var ErrReauthorize = errors.New(store.ReauthText)

// APIError is a failed call to the vendor API. It carries the vendor's code,
// message and request_id, and never a token.
type APIError struct {
	Op         string // what was called: "list clues", "refresh token"
	HTTPStatus int    // 0 when no response arrived
	Code       int    // the envelope's code; 0 when there was none
	Message    string // the envelope's message, scrubbed of credentials
	RequestID  string
	Class      Class
	Err        error // the underlying transport or decoding error, if any
}

// Error describes the failure in lowercase: op, http status, code, message,
// request_id and the underlying error.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, ": http %d", e.HTTPStatus)
	}
	if e.Code != 0 {
		fmt.Fprintf(&b, ": code %d", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %q", e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request_id %s)", e.RequestID)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *APIError) Unwrap() error { return e.Err }

// Classify returns the class of err. An *APIError keeps its class. The
// caller's own context ending (canceled, deadline) is permanent: the caller
// gave up. An HTTP client timeout and network or connection errors are
// retryable. Anything else is permanent.
func Classify(err error) Class {
	var ae *APIError
	switch {
	case err == nil:
		return ClassPermanent
	case errors.As(err, &ae):
		return ae.Class
	case isContextErr(err):
		return ClassPermanent
	case isNetworkErr(err):
		return ClassRetryable
	}
	return ClassPermanent
}

// IsRetryable reports whether err is worth retrying with backoff.
func IsRetryable(err error) bool { return err != nil && Classify(err) == ClassRetryable }

// IsAuth reports whether err says the access token was refused.
func IsAuth(err error) bool { return err != nil && Classify(err) == ClassAuth }

// isContextErr reports whether err comes from a context ending. http.Client's
// own timeout also matches context.DeadlineExceeded through errors.Is, but it
// is a leaf error of its own: only a chain ending in the context's error
// counts as the caller giving up.
func isContextErr(err error) bool {
	leaf := err
	for {
		next := errors.Unwrap(leaf)
		if next == nil {
			break
		}
		leaf = next
	}
	if leaf == context.Canceled || leaf == context.DeadlineExceeded {
		return true
	}
	return errors.Is(err, context.Canceled)
}

// isNetworkErr reports a timeout or a failure to reach or hear from the server.
func isNetworkErr(err error) bool {
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		return true
	}
	var opErr *net.OpError
	var dnsErr *net.DNSError
	return errors.As(err, &opErr) || errors.As(err, &dnsErr) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE)
}

var (
	authWords = []string{"token", "授权", "过期", "expired"} // "token" covers access_token
	busyWords = []string{"busy", "limit", "频繁", "繁忙", "稍后", "too many", "timeout", "超时"}
)

// classifyResponse classifies a response that was not a success: a vendor
// code's message first (token trouble, then busy), then the HTTP status.
func classifyResponse(status, code int, message string) Class {
	if code != 0 {
		msg := strings.ToLower(message)
		switch {
		case containsAny(msg, authWords):
			return ClassAuth
		case containsAny(msg, busyWords):
			return ClassRetryable
		}
	}
	if status >= 500 || status == 429 {
		return ClassRetryable
	}
	return ClassPermanent
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// errorAttrs returns the log attributes of a failure: http status, code and
// request_id of an *APIError, and the error text (which holds no body and no
// credential).
func errorAttrs(err error) []any {
	attrs := []any{slog.String("error", err.Error())}
	var ae *APIError
	if errors.As(err, &ae) {
		attrs = append(attrs, slog.Int("http_status", ae.HTTPStatus), slog.Int("code", ae.Code),
			slog.String("request_id", ae.RequestID))
	}
	return attrs
}

// authSummary names an auth failure briefly for the error that wraps a failed
// refresh.
func authSummary(err error) string {
	var ae *APIError
	if errors.As(err, &ae) {
		return fmt.Sprintf("auth error code %d (request_id %s)", ae.Code, ae.RequestID)
	}
	return "auth error"
}
