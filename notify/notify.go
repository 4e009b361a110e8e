package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/errclass"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/transform"
)

// Notifier sends one message to one receiver.
//
// One signal says what to do about a failure: the class of err (ClassOf).
// Retry: the same message may go through later; TooLarge: split it;
// Permanent: an operator must act. An error that is not a *Error (a network
// failure, a timeout) is Retry. The retry result is derived from the class,
// never set on its own: it is Retryable(err), and an implementation returns
// Result(err). Callers branch on ClassOf(err) or Retryable(err).
type Notifier interface {
	Notify(ctx context.Context, msg *Message) (retry bool, err error)
}

// FileSender is a Notifier that can also deliver a file itself (WeCom). Its
// retry result follows the Notifier's rule: Retryable(err).
type FileSender interface {
	SendFile(ctx context.Context, name string, data []byte) (retry bool, err error)
}

// Alert is one lead in a message. Lead holds the full phone number: the
// sender masks it unless its receiver says mask_phone: false.
type Alert struct {
	Lead     transform.Lead
	Route    string
	Assignee *route.Member // nil without round robin
	OutboxID int64
	// FirstSeen is when the lead was first stored; zero when unknown. The
	// alert latency metric is measured from it.
	FirstSeen time.Time
}

// Message is what one request to a robot carries: one lead, a digest of
// several, a reminder or an escalation, or a daily summary.
type Message struct {
	Receiver string
	// Template names the route's template (templates/NAME.TYPE.tmpl) for a
	// single lead; empty uses the default.
	Template string
	Alerts   []Alert
	Summary  *Summary // set for a daily summary, nil for alerts
	// Followup, when set, makes the message a reminder (one alert, @ its
	// assignee) or an escalation (the alerts, grouped by assignee, @ no one).
	Followup *Followup
	// Notice, when set, makes the message an operator notice: an
	// authorization that needs re-auth, an account gone silent.
	Notice *Notice
}

// Notice is a short operator notice: a title and a few lines of text.
type Notice struct {
	Title string
	Lines []string
}

// Summary is the daily report's numbers, for receivers that cannot take the
// file itself.
type Summary struct {
	Title    string
	Date     string // YYYY-MM-DD
	Total    int
	Unrouted int
	Sections []SummarySection
	FileName string
}

// SummarySection is one breakdown of the day's leads (by city, by page, ...).
type SummarySection struct {
	Title string
	Rows  []SummaryRow
}

// SummaryRow is one line of a breakdown.
type SummaryRow struct {
	Label string
	Count int
}

// Class says what the delivery worker should do about a failed send. It is
// errclass.Class, the vocabulary fetch's API failures use too.
type Class = errclass.Class

// The classes of send failures.
const (
	// Permanent failures (bad key, signature, keyword, IP allow-list) need
	// an operator: the message is parked as dead with the reason.
	Permanent = errclass.Permanent
	// Retry failures (rate limit, 5xx, timeouts, network) are sent again later.
	Retry = errclass.Retry
	// TooLarge messages are split (a digest into smaller ones) and resent.
	TooLarge = errclass.TooLarge
)

// Error is a failed send, as the platform explained it. It never holds the
// robot's URL, key or secret.
type Error struct {
	Receiver   string
	Platform   string
	HTTPStatus int
	Code       int
	Message    string
	Class      Class
	// RetryAfter, when set, is how long the robot refuses messages (DingTalk
	// throttles a robot for 10 minutes after its 20 messages a minute).
	RetryAfter time.Duration
	// ReceiverWide marks a Permanent failure that is the receiver's, not
	// the message's (Verdict.ReceiverWide): a bad token, key, secret,
	// keyword or IP allow-list refuses every message alike.
	ReceiverWide bool
	Err          error
}

// Error describes the failure for an operator. An error that names neither
// receiver nor platform (one a caller adds context to) starts with its cause.
func (e *Error) Error() string {
	s := ""
	if e.Platform != "" || e.Receiver != "" {
		s = fmt.Sprintf("%s receiver %q: ", e.Platform, e.Receiver)
	}
	switch {
	case e.Code != 0 || e.Message != "":
		s += fmt.Sprintf("code %d: %s", e.Code, e.Message)
	case e.Err != nil:
		s += e.Err.Error()
	default:
		s += fmt.Sprintf("http %d", e.HTTPStatus)
	}
	return s + " (" + e.Class.String() + ")"
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// ClassOf returns the class of a send error; errors that are not *Error are
// treated as retryable (a network failure, a timeout).
func ClassOf(err error) Class {
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	return Retry
}

// ReceiverRefused reports whether err is a permanent refusal of the
// receiver itself (Error.ReceiverWide): sending it other messages before its
// configuration is fixed only gets them refused too.
func ReceiverRefused(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Class == Permanent && e.ReceiverWide
}

// Retryable reports whether a send that failed with err may succeed if sent
// again later: err's class is Retry. It is the retry result of every Notify
// and SendFile, derived here and nowhere else.
func Retryable(err error) bool { return err != nil && ClassOf(err) == Retry }

// Result returns what Notify returns for err (nil on success): the retry
// result Retryable(err), and err.
func Result(err error) (retry bool, _ error) { return Retryable(err), err }
