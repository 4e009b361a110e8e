package notify_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/dingtalk"
	"github.com/cluebot/cluebot/notify/feishu"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/notify/wecom"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/sim/robots"
	"github.com/cluebot/cluebot/transform"
)

// hostileTexts are what a submitter can type into any field of a form.
var hostileTexts = []string{
	robots.Hostile,
	"**粗体** _斜体_ ~~删除~~ `code`\n# 标题\n> 引用\n- 列表\n1. 有序",
	"![img](http://x/a.png) <font color=\"warning\">红</font>",
	"<@all> <@zhangsan> @13800000001 @all ＠all", "<at id=all></at> <at id=ou_123></at> &lt;at id=all&gt;",
	"http://evil.example/a?b=c\r\n\r\n## 新段落 @all", "&#64;all &#x40;all &commat;all &amp;#64;",
	"\u200b@\u200ball \u202e@lla\u202c \u2066@all\u2069 \u2028@all\u2029 \u0085@all", "@\u00a0all", "@",
	"1. x", "12) y", "123456789. z", "- a", "+ b", "  -  c", "\t\n1.", "3.5万", "a - b",
	"[a]\n(http://x)", "[a](\nhttp://x)", "[a]\u200b(http://x)", "javascript:alert(1)", "$$x^2$$ :smile:",
	"\x00\x01\x1b[31m\x7f\u0080\u009f", "\xff\xfe@all", strings.Repeat("很长的回答", 400), "",
	"15584418917", "+86 155 8441 8917", "１３８００１３８０００",
}

var fuzzMarkups = []notify.Markup{notify.MarkupDingTalk, notify.MarkupWeCom, notify.MarkupWeComText, notify.MarkupFeishu}

// entity is an HTML entity an escape may write.
var entity = regexp.MustCompile(`&(#[0-9]+|amp|lt|gt);`)

// listStart would open an ordered list at the start of a line.
var listStart = regexp.MustCompile(`^[0-9]{1,9}[.)]( |$)`)

// requireInert checks that out, the escape of in for m, is literal text on
// one line: no link, mention, tag, URL, emphasis, heading, list or control.
func requireInert(t *testing.T, m notify.Markup, in, out string) {
	t.Helper()
	if utf8.ValidString(in) {
		require.True(t, utf8.ValidString(out), "valid UTF-8 in, valid UTF-8 out")
	}
	for _, bad := range []string{"](", "<at", "<@", "@", "<", ">", "://", "\n", "\r"} {
		require.NotContains(t, out, bad, "markup %d: %q survives in %q from %q", m, bad, out, in)
	}
	for _, r := range out {
		require.False(t, unicode.Is(unicode.Cc, r), "control %U in %q", r, out)
		require.False(t, r == '\u2028' || r == '\u2029' || r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069',
			"line break or bidi control %U in %q", r, out)
	}
	require.Equal(t, strings.TrimSpace(out), out, "trimmed")
	require.False(t, strings.HasPrefix(out, "-") || strings.HasPrefix(out, "+"), "no list marker: %q", out)
	require.NotRegexp(t, listStart, out, "no ordered-list marker")
	special := "*_~`[]#\\|&"
	plain := out
	switch m {
	case notify.MarkupFeishu:
		plain = entity.ReplaceAllString(out, "")
		special += "()$:"
	case notify.MarkupWeCom:
		plain = entity.ReplaceAllString(out, "")
	}
	require.False(t, strings.ContainsAny(plain, special), "markup %d: a markup character of %q survives in %q", m, special, out)
}

// FuzzEscape escapes arbitrary text for each markup. The result never holds
// a markdown link "](", an "<at" or "<@" tag (no '<' or '>' at all), an
// ASCII '@' (so no @ followed by a name), a URL scheme "://", a control,
// line-break or bidi character, a leading list marker, or any markup
// character outside the platform's entities; it is trimmed, and valid
// UTF-8 whenever the input is.
func FuzzEscape(f *testing.F) {
	for _, s := range hostileTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range fuzzMarkups {
			requireInert(t, m, s, notify.Escape(m, s))
		}
	})
}

// member returns the assignee of a fuzzed message: none, one of the sample
// members (each reachable on different platforms), or one whose every field
// is the fuzzed text.
func member(who uint8, text string) *route.Member {
	switch n := int(who) % (len(robots.SampleMembers) + 2); {
	case n < len(robots.SampleMembers):
		m := robots.SampleMembers[n]
		return &m
	case n == len(robots.SampleMembers):
		return &route.Member{Name: text, Mobile: text, WeComUserID: text, FeishuOpenID: text}
	}
	return nil
}

// fuzzAlert is a lead whose every text field, answer label and value is text.
func fuzzAlert(text string, answers int, who uint8) notify.Alert {
	l := transform.Lead{ID: text, UserName: text, Phone: text, PageName: text, IntentionLabel: text,
		SourceTypeLabel: text, Province: text, City: text, Store: text, AccountName: text,
		CreateTime: time.Date(2021, 3, 7, 16, 10, 49, 0, clue.VendorZone)}
	for i := range answers {
		typ := ""
		if i == 0 {
			typ = "电话"
		}
		l.Answers = append(l.Answers, transform.Answer{Label: text, Value: text, Levels: []string{text, text}, Type: typ})
	}
	return notify.Alert{Lead: l, Route: text, Assignee: member(who, text)}
}

// platform is one chat platform: its template type, markup, mention and the
// sender that fits and encodes its messages.
type platform struct {
	typ    string
	markup notify.Markup
	body   func(msg *notify.Message) ([]byte, error)
	check  func(t *testing.T, body []byte)
}

// The mentions the senders make from a member: a mobile (DingTalk, WeCom
// text), a WeCom userid and a Feishu open_id.
var (
	fuzzMobile = regexp.MustCompile(`^\+?[0-9][0-9-]{4,19}$`)
	weComAt    = regexp.MustCompile(`<@[A-Za-z0-9_.@-]{1,64}>`)
	feishuAt   = regexp.MustCompile(`<at id=[A-Za-z0-9_-]{1,64}></at>`)
)

// noStrayMention checks the text left when the code-made mentions are taken
// out: no '@' and no mention tag, so lead text mentioned no one.
func noStrayMention(t *testing.T, text string, mentions []string) {
	t.Helper()
	for _, m := range mentions {
		text = strings.ReplaceAll(text, m, "")
	}
	for _, bad := range []string{"@", "<at", "<@", "]("} {
		require.NotContains(t, text, bad, "lead text forms %q", bad)
	}
}

func platforms(tb testing.TB) []platform {
	tmpl := receiver.Platforms().DefaultTemplates()
	newCfg := func(typ, url string) *notify.ReceiverConfig {
		return &notify.ReceiverConfig{Type: typ, URL: secret.String("https://" + url)}
	}
	dt, err := dingtalk.New("fuzz", newCfg(dingtalk.Type, "oapi.dingtalk.com/robot/send?access_token=x"), tmpl, nil, nil)
	require.NoError(tb, err)
	wc, err := wecom.New("fuzz", newCfg(wecom.Type, "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"), tmpl, nil, nil)
	require.NoError(tb, err)
	fs, err := feishu.New("fuzz", newCfg(feishu.Type, "open.feishu.cn/open-apis/bot/v2/hook/x"), tmpl, nil, nil)
	require.NoError(tb, err)
	return []platform{
		{dingtalk.Type, notify.MarkupDingTalk, dt.Body, func(t *testing.T, body []byte) {
			require.LessOrEqual(t, len(body), dingtalk.MaxBody)
			var m struct {
				Markdown struct{ Title, Text string }
				At       struct{ AtMobiles []string }
			}
			require.NoError(t, json.Unmarshal(body, &m))
			var mentions []string
			for _, p := range m.At.AtMobiles {
				require.Regexp(t, fuzzMobile, p, "only a member's mobile is @'d")
				mentions = append(mentions, "@"+p)
			}
			noStrayMention(t, m.Markdown.Text, mentions)
			require.NotContains(t, m.Markdown.Title, "\n")
		}},
		{wecom.Type, notify.MarkupWeCom, wc.Body, func(t *testing.T, body []byte) {
			var m struct {
				MsgType  string
				Markdown struct{ Content string }
				Text     struct {
					Content             string
					MentionedMobileList []string `json:"mentioned_mobile_list"`
				}
			}
			require.NoError(t, json.Unmarshal(body, &m))
			content, limit := m.Markdown.Content, wecom.MaxMarkdown
			if m.MsgType == "text" {
				content, limit = m.Text.Content, wecom.MaxText
				for _, p := range m.Text.MentionedMobileList {
					require.Regexp(t, fuzzMobile, p)
				}
			}
			require.LessOrEqual(t, len(content), limit, "%s content within WeCom's limit", m.MsgType)
			mentions := weComAt.FindAllString(content, -1)
			for _, mm := range mentions {
				require.NotEqual(t, "<@all>", mm, "no one @s everyone")
			}
			noStrayMention(t, content, mentions)
		}},
		{feishu.Type, notify.MarkupFeishu, fs.Body, func(t *testing.T, body []byte) {
			require.LessOrEqual(t, len(body), feishu.MaxBody)
			var m struct {
				Card struct {
					Header struct{ Title struct{ Content string } }
					Body   struct{ Elements []struct{ Content string } }
				}
			}
			require.NoError(t, json.Unmarshal(body, &m))
			require.Len(t, m.Card.Body.Elements, 1)
			content := m.Card.Body.Elements[0].Content
			mentions := feishuAt.FindAllString(content, -1)
			for _, mm := range mentions {
				require.NotEqual(t, "<at id=all></at>", mm)
			}
			noStrayMention(t, content, mentions)
			require.NotContains(t, m.Card.Header.Title.Content, "\n")
		}},
	}
}

// fuzzMention stands in for a platform's mention: a member's mobile.
func fuzzMention(m *route.Member) string {
	if fuzzMobile.MatchString(m.Mobile) {
		return "@" + m.Mobile
	}
	return ""
}

// plainCopy is msg with "x" for every fuzzed text and no route template:
// the same leads, answers and assignees, so the same template branches.
func plainCopy(msg *notify.Message) *notify.Message {
	out := &notify.Message{Receiver: "x"}
	for _, a := range msg.Alerts {
		b := fuzzAlert("x", len(a.Lead.Answers), 0)
		b.Assignee = nil
		if m := a.Assignee; m != nil {
			b.Assignee = &route.Member{Name: "x", Mobile: m.Mobile, WeComUserID: m.WeComUserID, FeishuOpenID: m.FeishuOpenID}
		}
		out.Alerts = append(out.Alerts, b)
	}
	return out
}

// clip cuts s to at most n bytes, on a rune boundary when s is valid UTF-8:
// long enough to overflow every platform's limit, short enough to fuzz fast.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// lineCount counts the lines of a rendered text.
func lineCount(s string) int { return strings.Count(s, "\n") + 1 }

// FuzzRender renders a lead (and a digest of such leads) whose every text
// field, answer, route name, receiver, route template and assignee field is
// the fuzzed text, repeated, on DingTalk, WeCom and Feishu. Render never
// fails or panics on a lead; the text and title are valid UTF-8 when the
// input is, the title is one line, and lead text adds no line to the
// template's (it renders with as many lines as the same lead with "x"
// everywhere) and mentions no one. Through each platform's sender
// (notify/dingtalk, notify/wecom, notify/feishu Body), a single lead always
// fits the platform's limit after fitting and a digest either fits or
// fails with ErrTooLarge; the body is valid JSON in valid UTF-8 within the
// limit, @s only the assignee's mobile, userid or open_id, and lead text
// forms no mention, tag or link in it.
func FuzzRender(f *testing.F) {
	for _, s := range hostileTexts {
		f.Add(s, uint8(0), uint8(2), uint8(0))
		f.Add(s, uint8(40), uint8(30), uint8(4))
	}
	f.Add("lead", uint8(0), uint8(1), uint8(1))
	f.Add("13800000001", uint8(0), uint8(1), uint8(4))
	f.Add("ou_7d8a6e6df7621556ce0d21922b676706", uint8(0), uint8(1), uint8(4))
	f.Add("zhangsan", uint8(0), uint8(1), uint8(4))
	f.Add("&#4", uint8(200), uint8(11), uint8(0))
	f.Add("＠", uint8(255), uint8(255), uint8(2))
	plats := platforms(f)
	tmpl := receiver.Platforms().DefaultTemplates()
	f.Fuzz(func(t *testing.T, s string, repeat, answers, who uint8) {
		text := clip(strings.Repeat(s, 1+int(repeat)%32), 2000)
		n := int(answers) % 16
		single := &notify.Message{Receiver: text, Alerts: []notify.Alert{fuzzAlert(text, n, who)}}
		routed := &notify.Message{Receiver: text, Template: text, Alerts: single.Alerts}
		digest := &notify.Message{Receiver: text, Alerts: []notify.Alert{fuzzAlert(text, n, who), fuzzAlert(text, n/2, who+1)}}
		for _, p := range plats {
			o := notify.RenderOptions{Platform: p.typ, Markup: p.markup, MaskPhone: true, Mention: fuzzMention}
			r, err := tmpl.Render(routed, o)
			require.NoError(t, err, "%s: render a lead of a route with template %q", p.typ, routed.Template)
			noStrayMention(t, r.Text, r.Mentions)
			for _, msg := range []*notify.Message{single, digest} {
				r, err := tmpl.Render(msg, o)
				require.NoError(t, err, "%s: render %d leads", p.typ, len(msg.Alerts))
				if utf8.ValidString(text) {
					require.True(t, utf8.ValidString(r.Text), "%s text is valid UTF-8", p.typ)
					require.True(t, utf8.ValidString(r.Title), "%s title is valid UTF-8", p.typ)
				}
				require.NotContains(t, r.Title, "\n")
				noStrayMention(t, r.Text, r.Mentions)
				if notify.Escape(p.markup, text) != "" {
					x, err := tmpl.Render(plainCopy(msg), o)
					require.NoError(t, err)
					require.Equal(t, lineCount(x.Text), lineCount(r.Text),
						"%s: lead text adds no line:\n%s\n---\n%s", p.typ, r.Text, x.Text)
				}
			}
			for i, msg := range []*notify.Message{single, routed, digest} {
				body, err := p.body(msg)
				if err != nil {
					require.True(t, i == 2 && errors.Is(err, notify.ErrTooLarge),
						"%s: only a digest may be too large: %v", p.typ, err)
					continue
				}
				if utf8.ValidString(text) {
					require.True(t, utf8.Valid(body), "%s body is valid UTF-8", p.typ)
				}
				require.True(t, json.Valid(body), "%s body is JSON", p.typ)
				p.check(t, body)
			}
		}
	})
}
