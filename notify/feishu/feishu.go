// Package feishu sends alerts to Feishu / Lark custom bots (自定义机器人) as
// interactive cards (JSON 2.0): the title and color in the header, the text
// in a markdown element, the assignee @'d by open_id. With a secret, the
// body carries timestamp and sign (签名校验).
package feishu

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/secret"
)

// MaxBody is the request body size cluebot keeps to: Feishu documents 20 KB
// (9499 Bad Request beyond), read here as 20000 bytes to be safe.
const MaxBody = 20000

// Notifier sends messages to one Feishu bot.
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

// Sign returns Feishu's timestamp (Unix seconds) and signature for secret
// at t: base64(HMAC-SHA256(key = ts + "\n" + secret, message = empty)). The
// string is the key, the reverse of DingTalk.
func Sign(secret string, t time.Time) (timestamp, sign string) {
	timestamp = strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(timestamp+"\n"+secret))
	return timestamp, base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Notify sends msg. The result is read from the body's code: 9499 "too many
// request" and 11232 are retried, 9499 "Bad Request" for a large body is too
// large, 19021 (sign), 19022 (IP), 19024 (keyword) and others are permanent.
func (n *Notifier) Notify(ctx context.Context, msg *notify.Message) (bool, error) {
	body, err := n.Body(msg)
	if err != nil {
		return notify.Result(notify.RenderError(n.name, Type, err))
	}
	base := notify.Error{Receiver: n.name, Platform: Type}
	ans, err := notify.Post(ctx, n.client, n.cfg.URL.Reveal(), "application/json; charset=utf-8", body, nil, n.scrub)
	if err != nil {
		base.Class, base.Err = notify.Retry, err
		return notify.Result(&base)
	}
	judge := func(code int, msg string) notify.Verdict { return classify(code, msg, len(body)) }
	if e := notify.Judge(ans, base, []string{"code", "StatusCode"}, "msg", judge, n.scrub); e != nil {
		return notify.Result(e)
	}
	n.logger.Debug("feishu message sent", "bytes", len(body), "alerts", len(msg.Alerts))
	return false, nil
}

var openID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// mention @s a member by open_id (or user_id), the only ids a custom bot can
// @; it never @s all.
func mention(m *route.Member) string {
	if id := m.FeishuOpenID; id != "all" && openID.MatchString(id) {
		return "<at id=" + id + "></at>"
	}
	return ""
}

// colors are the header colors a card takes.
var colors = []string{"blue", "wathet", "turquoise", "green", "yellow", "orange", "red",
	"carmine", "violet", "purple", "indigo", "grey", "default"}

// Body returns the JSON that Notify would post for msg, signed at the
// notifier's clock: a card cut to fit MaxBody. A digest that does not fit
// returns an error wrapping notify.ErrTooLarge, so the caller splits it.
func (n *Notifier) Body(msg *notify.Message) ([]byte, error) {
	opts := notify.RenderOptions{Platform: Type, Markup: notify.MarkupFeishu,
		MaskPhone: n.cfg.MasksPhone(), Mention: mention}
	var ts, sign string
	if !n.cfg.Secret.IsZero() {
		ts, sign = Sign(n.cfg.Secret.Reveal(), n.now())
	}
	var body []byte
	var encErr error
	_, err := n.tmpl.Fit(msg, opts, MaxBody, func(r *notify.Rendered) int {
		title, color := r.Title, r.Color
		if title == "" {
			title = "新线索"
		}
		if k := n.cfg.Keyword; k != "" && !strings.Contains(title+r.Text, k) {
			title += " " + k
		}
		if !slices.Contains(colors, color) {
			color = "blue"
		}
		c := card{Schema: "2.0", Header: header{Title: text{Tag: "plain_text", Content: title}, Template: color},
			Body: cardBody{Elements: []text{{Tag: "markdown", Content: r.Text}}}}
		body, encErr = notify.EncodeJSON(message{Timestamp: ts, Sign: sign, MsgType: "interactive", Card: c})
		return len(body)
	})
	if err != nil {
		return nil, err
	}
	return body, encErr
}

type message struct {
	Timestamp string `json:"timestamp,omitempty"`
	Sign      string `json:"sign,omitempty"`
	MsgType   string `json:"msg_type"`
	Card      card   `json:"card"`
}

type card struct {
	Schema string   `json:"schema"`
	Header header   `json:"header"`
	Body   cardBody `json:"body"`
}

type header struct {
	Title    text   `json:"title"`
	Template string `json:"template"`
}

type cardBody struct {
	Elements []text `json:"elements"`
}

// text is a plain_text title or a markdown element.
type text struct {
	Tag     string `json:"tag"`
	Content string `json:"content"`
}

// classify says what a Feishu code means for delivery; size is the body's
// length, which tells a 9499 Bad Request for size from a malformed one. The
// security checks (19021 sign, 19022 IP, 19024 keyword) refuse the whole
// receiver (ReceiverWide).
func classify(code int, msg string, size int) notify.Verdict {
	m := strings.ToLower(msg)
	switch code {
	case 9499:
		switch {
		case strings.Contains(m, "too many"):
			return notify.Verdict{Class: notify.Retry, Hint: "the bot takes 5 messages a second and 100 a minute"}
		case strings.Contains(m, "bad request") && size > MaxBody/2:
			return notify.Verdict{Class: notify.TooLarge, Hint: "the body is probably over Feishu's 20 KB"}
		}
		return notify.Verdict{Class: notify.Permanent, Hint: "Feishu refused the message as malformed"}
	case 11232:
		return notify.Verdict{Class: notify.Retry, Hint: "Feishu limits bots at peak times (avoid :00 and :30)"}
	case 19021:
		return notify.Verdict{Class: notify.Permanent, ReceiverWide: true,
			Hint: "signature refused: set the receiver's secret to the bot's 签名校验 secret and check this server's clock"}
	case 19022:
		return notify.Verdict{Class: notify.Permanent, ReceiverWide: true, Hint: "this server's IP address is not in the bot's allow-list"}
	case 19024:
		return notify.Verdict{Class: notify.Permanent, ReceiverWide: true,
			Hint: "keyword check failed: set the receiver's keyword to one of the bot's custom keywords"}
	}
	return notify.Verdict{Class: notify.Permanent}
}
