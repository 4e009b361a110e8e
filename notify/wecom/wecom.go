// Package wecom sends alerts to WeCom group robots (企业微信消息推送) as
// markdown (v1) messages with <@userid> mentions, and report files through
// webhook/upload_media.
//
// Mentions: markdown can only @ by userid. When an assignee has a mobile but
// no userid, the message goes as a text message instead, which can @ by
// mobile (mentioned_mobile_list): the salesperson on duty being notified
// matters more than the formatting. Text is limited to 2048 bytes, so such
// digests split sooner.
//
// WeCom robots have no keyword or signature option: the key in the URL is the
// only credential, so a receiver's keyword and secret are not used.
package wecom

import (
	"context"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/secret"
)

// The content limits of WeCom messages, in bytes (40058).
const (
	MaxMarkdown = 4096
	MaxText     = 2048
)

// Notifier sends messages and files to one WeCom robot.
type Notifier struct {
	name   string
	cfg    *notify.ReceiverConfig
	tmpl   *notify.Templates
	logger *slog.Logger
	client *http.Client
	scrub  *secret.Scrubber
}

var (
	_ notify.Notifier   = (*Notifier)(nil)
	_ notify.FileSender = (*Notifier)(nil)
)

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
		client: notify.OrDefault(client), scrub: notify.Scrubber(cfg)}, nil
}

// Notify sends msg. The result is read from the body's errcode: 45009 is
// retried, 40058 "exceed max length" is too large, 93000 (bad key) and other
// codes are permanent.
func (n *Notifier) Notify(ctx context.Context, msg *notify.Message) (bool, error) {
	body, err := n.Body(msg)
	if err != nil {
		return notify.Result(notify.RenderError(n.name, Type, err))
	}
	if err := n.post(ctx, n.cfg.URL.Reveal(), "application/json", body); err != nil {
		return notify.Result(err)
	}
	n.logger.Debug("wecom message sent", "bytes", len(body), "alerts", len(msg.Alerts))
	return false, nil
}

// post sends one request and judges the answer.
func (n *Notifier) post(ctx context.Context, target, contentType string, body []byte) *notify.Error {
	base := notify.Error{Receiver: n.name, Platform: Type}
	ans, err := notify.Post(ctx, n.client, target, contentType, body, nil, n.scrub)
	if err != nil {
		base.Class, base.Err = notify.Retry, err
		return &base
	}
	return notify.Judge(ans, base, []string{"errcode"}, "errmsg", classify, n.scrub)
}

var userID = regexp.MustCompile(`^[A-Za-z0-9_.@-]{1,64}$`)

// mention @s a member by userid, the only id markdown can @.
func mention(m *route.Member) string {
	if m.WeComUserID != "@all" && m.WeComUserID != "all" && userID.MatchString(m.WeComUserID) {
		return "<@" + m.WeComUserID + ">"
	}
	return ""
}

// byMobile returns the mobiles of the assignees that only a text message
// can @ (a mobile, no userid); none for an escalation, which @s no one.
func byMobile(msg *notify.Message) []string {
	if f := msg.Followup; f != nil && f.Kind == notify.KindEscalation {
		return nil
	}
	var out []string
	for _, a := range msg.Alerts {
		if m := a.Assignee; m != nil && mention(m) == "" && mobile.MatchString(m.Mobile) &&
			!slices.Contains(out, m.Mobile) {
			out = append(out, m.Mobile)
		}
	}
	return out
}

var mobile = regexp.MustCompile(`^\+?[0-9][0-9-]{4,19}$`)

// Body returns the JSON that Notify would post for msg: markdown cut to
// MaxMarkdown bytes, or text cut to MaxText when an assignee can only be
// @'d by mobile. A digest that does not fit returns an error wrapping
// notify.ErrTooLarge, so the caller splits it.
func (n *Notifier) Body(msg *notify.Message) ([]byte, error) {
	mobiles := byMobile(msg)
	opts := notify.RenderOptions{Platform: Type, Markup: notify.MarkupWeCom,
		MaskPhone: n.cfg.MasksPhone(), Mention: mention}
	limit, build := MaxMarkdown, func(r *notify.Rendered) any {
		return map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": r.Text}}
	}
	if len(mobiles) > 0 {
		opts.Markup, limit = notify.MarkupWeComText, MaxText
		build = func(r *notify.Rendered) any {
			return map[string]any{"msgtype": "text",
				"text": map[string]any{"content": Plain(r.Text), "mentioned_mobile_list": mobiles}}
		}
	}
	r, err := n.tmpl.Fit(msg, opts, limit, func(r *notify.Rendered) int {
		if len(mobiles) > 0 {
			return len(Plain(r.Text))
		}
		return len(r.Text)
	})
	if err != nil {
		return nil, err
	}
	return notify.EncodeJSON(build(r))
}

var (
	fontTag = regexp.MustCompile(`</?font[^>]*>`)
	heading = regexp.MustCompile(`(?m)^#{1,6} +`)
	quote   = regexp.MustCompile(`(?m)^> ?`)
	bold    = regexp.MustCompile(`\*\*([^*\n]+)\*\*`)
	link    = regexp.MustCompile(`\[([^\]\n]+)\]\((https?://[^)\s]+)\)`)
)

// Plain turns the markdown of a template into the content of a text
// message: font tags, bold, headings and quote marks go, a link [label](url)
// becomes "label url" (WeCom makes a bare URL clickable), the text and
// <@userid> mentions stay. Text from a lead is unaffected: its markup
// characters were replaced by look-alikes.
func Plain(md string) string {
	s := fontTag.ReplaceAllString(md, "")
	s = bold.ReplaceAllString(s, "$1")
	s = link.ReplaceAllString(s, "$1 $2")
	return quote.ReplaceAllString(heading.ReplaceAllString(s, ""), "")
}

// Window is WeCom's rate window: a robot takes 20 messages a minute (45009).
const Window = time.Minute

// classify says what a WeCom errcode means for delivery; 93000 (bad key,
// robot removed) refuses the whole receiver (ReceiverWide).
func classify(code int, msg string) notify.Verdict {
	switch code {
	case 45009:
		return notify.Verdict{Class: notify.Retry, RetryAfter: Window,
			Hint: "the robot takes 20 messages a minute"}
	case -1:
		return notify.Verdict{Class: notify.Retry, Hint: "WeCom is busy"}
	case 40058:
		if strings.Contains(msg, "exceed max length") {
			return notify.Verdict{Class: notify.TooLarge, Hint: "the content is over WeCom's length limit"}
		}
		return notify.Verdict{Class: notify.Permanent, Hint: "WeCom refused a parameter of the message"}
	case 93000:
		return notify.Verdict{Class: notify.Permanent, ReceiverWide: true,
			Hint: "the key in the receiver's url is wrong or the robot was removed from the group; paste the robot's whole webhook URL as url"}
	case 44001:
		return notify.Verdict{Class: notify.Permanent, Hint: "the uploaded file was empty"}
	case 40006, 40007:
		return notify.Verdict{Class: notify.Permanent, Hint: "WeCom refused the file (6 bytes to 20 MB, media ids last 3 days)"}
	}
	return notify.Verdict{Class: notify.Permanent}
}
