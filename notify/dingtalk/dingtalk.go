// Package dingtalk sends alerts to DingTalk custom robots (自定义机器人) as
// markdown messages, signed (加签) when the receiver has a secret, with the
// assignee @'d by mobile.
package dingtalk

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/secret"
)

// MaxBody is the largest request body DingTalk takes, in bytes (460101).
const MaxBody = 20000

// Notifier sends messages to one DingTalk robot.
type Notifier struct {
	name   string
	cfg    *notify.ReceiverConfig
	tmpl   *notify.Templates
	logger *slog.Logger
	client *http.Client
	scrub  *secret.Scrubber
	now    func() time.Time
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns the notifier of receiver name. A nil tmpl uses the shipped
// templates, a nil logger discards and a nil client times out after
// notify.DefaultTimeout.
func New(name string, cfg *notify.ReceiverConfig, tmpl *notify.Templates, logger *slog.Logger, client *http.Client) (*Notifier, error) {
	if err := notify.CheckURL(cfg); err != nil {
		return nil, err
	}
	if tmpl == nil {
		tmpl = notify.Platforms{Platform()}.DefaultTemplates()
	}
	return &Notifier{name: name, cfg: cfg, tmpl: tmpl, logger: notify.OrDiscard(logger),
		client: notify.OrDefault(client), scrub: notify.Scrubber(cfg), now: time.Now}, nil
}

// SetClock sets the clock signatures read, for tests.
func (n *Notifier) SetClock(now func() time.Time) { n.now = now }

// Sign returns DingTalk's timestamp (Unix milliseconds) and signature for
// secret at t: base64(HMAC-SHA256(key = secret, message = ts + "\n" +
// secret)), not yet URL-encoded.
func Sign(secret string, t time.Time) (timestamp, sign string) {
	timestamp = strconv.FormatInt(t.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return timestamp, base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// target returns the webhook URL as written, with a fresh timestamp and sign
// added to its query when the receiver has a secret (url.Values encodes
// the sign once).
func (n *Notifier) target() string {
	raw := n.cfg.URL.Reveal()
	if n.cfg.Secret.IsZero() {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw // New checked it
	}
	q := u.Query()
	ts, sign := Sign(n.cfg.Secret.Reveal(), n.now())
	q.Set("timestamp", ts)
	q.Set("sign", sign)
	u.RawQuery = q.Encode()
	return u.String()
}

// Notify sends msg. The result is read from the body's errcode: 130101 is
// retried after DingTalk's 10-minute penalty, 460101 is too large, security
// and token errors are permanent.
func (n *Notifier) Notify(ctx context.Context, msg *notify.Message) (bool, error) {
	body, err := n.Body(msg)
	if err != nil {
		return notify.Result(notify.RenderError(n.name, Type, err))
	}
	ans, err := notify.Post(ctx, n.client, n.target(), "application/json;charset=utf-8", body, nil, n.scrub)
	if err != nil {
		return notify.Result(&notify.Error{Receiver: n.name, Platform: Type, Class: notify.Retry, Err: err})
	}
	base := notify.Error{Receiver: n.name, Platform: Type}
	if e := notify.Judge(ans, base, []string{"errcode"}, "errmsg", classify, n.scrub); e != nil {
		return notify.Result(e)
	}
	n.logger.Debug("dingtalk message sent", "bytes", len(body), "alerts", len(msg.Alerts))
	return false, nil
}

// message is a DingTalk markdown message.
type message struct {
	MsgType  string   `json:"msgtype"`
	Markdown markdown `json:"markdown"`
	At       at       `json:"at"`
}

type markdown struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

type at struct {
	AtMobiles []string `json:"atMobiles,omitempty"`
	IsAtAll   bool     `json:"isAtAll"`
}

var mobile = regexp.MustCompile(`^\+?[0-9][0-9-]{4,19}$`)

// mention @s a member by mobile, the only id a DingTalk webhook can @.
func mention(m *route.Member) string {
	if mobile.MatchString(m.Mobile) {
		return "@" + m.Mobile
	}
	return ""
}

// Body returns the JSON that Notify would post for msg: markdown cut to fit
// MaxBody. A digest that does not fit returns a *notify.Error of class
// TooLarge through Notify, so the caller splits it.
func (n *Notifier) Body(msg *notify.Message) ([]byte, error) {
	opts := notify.RenderOptions{Platform: Type, Markup: notify.MarkupDingTalk,
		MaskPhone: n.cfg.MasksPhone(), Mention: mention}
	var body []byte
	var encErr error
	_, err := n.tmpl.Fit(msg, opts, MaxBody, func(r *notify.Rendered) int {
		m := message{MsgType: "markdown", Markdown: markdown{Title: r.Title, Text: r.Text}}
		if m.Markdown.Title == "" {
			m.Markdown.Title = "新线索"
		}
		if k := n.cfg.Keyword; k != "" && !strings.Contains(m.Markdown.Title+m.Markdown.Text, k) {
			m.Markdown.Title += " " + k
		}
		for _, s := range r.Mentions {
			if p := strings.TrimPrefix(s, "@"); !slices.Contains(m.At.AtMobiles, p) {
				m.At.AtMobiles = append(m.At.AtMobiles, p)
			}
		}
		body, encErr = notify.EncodeJSON(m)
		return len(body)
	})
	if err != nil {
		return nil, err
	}
	return body, encErr
}

// Penalty is how long DingTalk refuses a robot's messages after it was sent
// more than 20 in a minute (130101).
const Penalty = 10 * time.Minute

// classify says what a DingTalk errcode means for delivery. 310000 covers
// four security checks, told apart by errmsg; they and a bad token refuse
// the whole receiver (ReceiverWide).
func classify(code int, msg string) notify.Verdict {
	m := strings.ToLower(msg)
	switch code {
	case 130101:
		return notify.Verdict{Class: notify.Retry, RetryAfter: Penalty,
			Hint: "the robot takes 20 messages a minute and refuses all for 10 minutes after"}
	case 460101, 101002:
		return notify.Verdict{Class: notify.TooLarge, Hint: "the body is over 20000 bytes"}
	case 300001, 300005:
		return notify.Verdict{Class: notify.Permanent, ReceiverWide: true,
			Hint: "the access_token in the receiver's url is wrong or the robot was removed; paste the robot's whole webhook URL as url"}
	case 310000:
		// Each check is the robot's or this server's setting, not the
		// message's (the keyword is added to every message when set).
		v := notify.Verdict{Class: notify.Permanent, ReceiverWide: true}
		switch {
		case strings.Contains(m, "keyword") || strings.Contains(m, "关键词"):
			v.Hint = "keyword check failed: set the receiver's keyword to one of the robot's custom keywords"
		case strings.Contains(m, "timestamp"):
			v.Hint = "timestamp refused: this server's clock is more than an hour off"
		case strings.Contains(m, "sign") || strings.Contains(m, "签名"):
			v.Hint = "signature mismatch: set the receiver's secret to the robot's 加签 secret (it starts with SEC)"
		case strings.Contains(m, "ip") || strings.Contains(m, "whitelist"):
			v.Hint = "this server's IP address is not in the robot's allow-list"
		default:
			v.Hint = "the robot's security settings refused the message"
		}
		return v
	case -1:
		return notify.Verdict{Class: notify.Retry, Hint: "DingTalk is busy"}
	}
	return notify.Verdict{Class: notify.Permanent}
}
