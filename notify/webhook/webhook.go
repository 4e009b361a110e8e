// Package webhook posts alerts as plain JSON to any HTTP endpoint (a relay, a
// CRM, a test sink). No template is involved: the payload is Payload. With a secret, each
// request is signed: X-Cluebot-Timestamp is the Unix time in seconds and
// X-Cluebot-Signature is "sha256=" + hex HMAC-SHA256(secret, ts + "." + body).
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/secret"
)

// The signature headers of a signed request.
const (
	HeaderTimestamp = "X-Cluebot-Timestamp"
	HeaderSignature = "X-Cluebot-Signature"
)

// Notifier posts messages to one plain webhook.
type Notifier struct {
	name   string
	cfg    *notify.ReceiverConfig
	logger *slog.Logger
	client *http.Client
	scrub  *secret.Scrubber
	tmpl   *notify.Templates // only for the mark links (Templates.MarkLink)
	now    func() time.Time
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns the notifier of receiver name. The payload is plain JSON: of
// tmpl only its mark links are used (mark_url), none when tmpl is nil. A nil logger discards and a nil client times out after
// DefaultTimeout.
func New(name string, cfg *notify.ReceiverConfig, tmpl *notify.Templates, logger *slog.Logger, client *http.Client) (*Notifier, error) {
	if err := notify.CheckURL(cfg); err != nil {
		return nil, err
	}
	return &Notifier{name: name, cfg: cfg, logger: notify.OrDiscard(logger), client: notify.OrDefault(client),
		scrub: notify.Scrubber(cfg), tmpl: tmpl, now: time.Now}, nil
}

// SetClock sets the clock signatures and sent_at read, for tests.
func (n *Notifier) SetClock(now func() time.Time) { n.now = now }

// Body returns the JSON that Notify would post for msg.
func (n *Notifier) Body(msg *notify.Message) ([]byte, error) {
	return Marshal(NewPayload(msg, n.cfg.MasksPhone(), n.now(), n.tmpl.MarkLink))
}

// Notify posts msg. 2xx is success; 408, 425, 429 and 5xx are retried
// (honouring Retry-After), 413 is too large, anything else is permanent.
func (n *Notifier) Notify(ctx context.Context, msg *notify.Message) (bool, error) {
	body, err := n.Body(msg)
	if err != nil {
		return notify.Result(n.fail(notify.Permanent, 0, err))
	}
	h := http.Header{}
	if !n.cfg.Secret.IsZero() {
		ts := strconv.FormatInt(n.now().Unix(), 10)
		h.Set(HeaderTimestamp, ts)
		h.Set(HeaderSignature, Sign(n.cfg.Secret.Reveal(), ts, body))
	}
	ans, err := notify.Post(ctx, n.client, n.cfg.URL.Reveal(), "application/json", body, h, n.scrub)
	if err != nil {
		return notify.Result(n.fail(notify.Retry, 0, err))
	}
	if ans.Status >= 200 && ans.Status < 300 {
		n.logger.Debug("webhook message sent", "bytes", len(body), "alerts", len(msg.Alerts))
		return false, nil
	}
	e := n.fail(notify.ClassOfStatus(ans.Status), ans.Status,
		fmt.Errorf("http %d: %s", ans.Status, notify.Snippet(ans.Body, n.scrub)))
	e.RetryAfter = notify.RetryAfter(ans.Header)
	return notify.Result(e)
}

func (n *Notifier) fail(c notify.Class, status int, err error) *notify.Error {
	return &notify.Error{Receiver: n.name, Platform: Type, HTTPStatus: status, Class: c, Err: err}
}

// Sign returns the X-Cluebot-Signature of body sent at Unix time ts.
func Sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}
