// Package errclass names what a caller should do about a failure: the one
// vocabulary of error classes that fetch (calls to the Kuaishou API) and
// notify (messages to the robots) share, so that logs and metrics say the
// same words ("retry", "permanent", ...) whichever side failed. Each side
// still classifies its own errors (fetch.Classify, notify.ClassOf).
package errclass

import "fmt"

// Class says what a caller should do about a failure.
type Class int

// The classes. The zero value is Permanent, so an unclassified failure is
// never retried by accident.
const (
	// Permanent: trying again will not help; an operator must act (a bad
	// key, signature, keyword or request, an unknown code).
	Permanent Class = iota
	// Retry: a transient failure (rate limit, 5xx, timeout, network); try
	// again later, with backoff.
	Retry
	// TooLarge: the message is over the platform's size limit; split it
	// (a digest into smaller ones) and send the parts.
	TooLarge
	// Auth: the access token was refused; refresh it once and try again.
	Auth
)

// String names the class in logs and metric labels.
func (c Class) String() string {
	switch c {
	case Permanent:
		return "permanent"
	case Retry:
		return "retry"
	case TooLarge:
		return "too-large"
	case Auth:
		return "auth"
	}
	return fmt.Sprintf("class(%d)", int(c))
}
