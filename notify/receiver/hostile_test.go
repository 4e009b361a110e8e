package receiver_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/dingtalk"
	"github.com/cluebot/cluebot/notify/feishu"
	"github.com/cluebot/cluebot/notify/webhook"
	"github.com/cluebot/cluebot/notify/wecom"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/sim/robots"
	"github.com/cluebot/cluebot/transform"
)

// family is an emoji of three people joined by ZWJs, which must survive.
const family = "👨\u200d👩\u200d👧"

// bidiControls are the characters that reorder text: embeddings and
// overrides, isolates, and the invisible direction marks.
const bidiControls = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"

// invisible strips the zero-width characters a hostile value hides digits
// with, to look for the digits as a reader would see them.
var invisible = strings.NewReplacer("\u200b", "", "\u200d", "", "\ufeff", "", "\u2060", "")

// bidiLead is the sample lead with zero-width and bidi characters in every
// text a submitter controls, and phones split by invisible characters.
func bidiLead() transform.Lead {
	l := robots.SampleLead()
	l.UserName = "王\u202e元9.999\u202c先生" + family
	l.PageName = "\u2066宝马\u2069\u202a特价\u202c\u202b9.99\u202c\u202d万\u202c\ufeff"
	l.City = "郑州\u200b\u200e\u200f\u061c\u2067"
	l.Phone = "138\u200b0013\u200b8000"
	l.Answers = append(l.Answers,
		transform.Answer{Label: "手机号", Value: "139\u200d4721\ufeff5608", Type: "电话"},
		transform.Answer{Label: "留言\u202e", Value: "价格\u2068¥1999\u2069" + family})
	return l
}

// chatCase is a chat platform's message, with the bytes its limit counts.
type chatCase struct {
	name, platform string
	assignee       route.Member
	limit          int
	size           func(m robots.Received) int
}

var chatCases = []chatCase{
	{"dingtalk", dingtalk.Type, robots.SampleMembers[0], dingtalk.MaxBody,
		func(m robots.Received) int { return len(m.Raw) }},
	{"wecom markdown", wecom.Type, robots.SampleMembers[0], wecom.MaxMarkdown,
		func(m robots.Received) int { return len(dig(m.Body, "markdown", "content").(string)) }},
	{"wecom text", wecom.Type, robots.SampleMembers[1], wecom.MaxText,
		func(m robots.Received) int { return len(dig(m.Body, "text", "content").(string)) }},
	{"feishu", feishu.Type, robots.SampleMembers[0], feishu.MaxBody,
		func(m robots.Received) int { return len(m.Raw) }},
}

// send notifies one alert of l on platform and returns what the robot took.
func (e *env) send(t *testing.T, platform string, l transform.Lead, who route.Member) robots.Received {
	t.Helper()
	start := time.Now()
	a := notify.Alert{Lead: l, Route: "r", Assignee: &who}
	_, err := e.notifiers[platform].Notify(context.Background(), &notify.Message{Alerts: []notify.Alert{a}})
	require.NoError(t, err)
	require.Less(t, time.Since(start), 5*time.Second)
	return e.last(t, platform)
}

// TestBidiNeutralisedInChat: no chat body carries a bidi control, so no
// name can reverse the rest of its line; ZWJ emoji stay whole; a phone split
// by zero-width characters is still masked.
func TestBidiNeutralisedInChat(t *testing.T) {
	e := newEnv(t)
	for _, tc := range chatCases {
		t.Run(tc.name, func(t *testing.T) {
			m := e.send(t, tc.platform, bidiLead(), tc.assignee)
			shown := e.sim.Render(m)
			for _, s := range append(texts(m.Body), shown) {
				require.False(t, strings.ContainsAny(s, bidiControls), "bidi control in %q", s)
				require.NotContains(t, invisible.Replace(s), "0013", "unmasked phone")
				require.NotContains(t, invisible.Replace(s), "4721", "unmasked phone answer")
			}
			require.Contains(t, shown, "王元9.999先生"+family, "the name reads as sent, in logical order")
			require.Contains(t, shown, "宝马特价9.99万")
			require.Contains(t, shown, "价格¥1999"+family)
			require.Contains(t, shown, "8000", "the masked phone keeps its last digits")
		})
	}
}

// TestBidiKeptInWebhook: the plain webhook is JSON for programs, so lead
// text arrives as it came, controls included (the consumer escapes for its
// own medium); phones are masked all the same.
func TestBidiKeptInWebhook(t *testing.T) {
	e := newEnv(t)
	l := bidiLead()
	m := e.send(t, webhook.Type, l, robots.SampleMembers[0])
	lead := dig(m.Body, "alerts").([]any)[0].(map[string]any)["lead"].(map[string]any)
	require.Equal(t, l.UserName, lead["user_name"])
	require.Equal(t, l.PageName, lead["page_name"])
	form := lead["form"].(map[string]any)
	require.Equal(t, "价格\u2068¥1999\u2069"+family, form["留言\u202e"])
	require.Equal(t, "138****8000", lead["phone"])
	require.Equal(t, "139****5608", form["手机号"])
	require.NotContains(t, invisible.Replace(string(m.Raw)), "0013")
	require.NotContains(t, invisible.Replace(string(m.Raw)), "4721")
}

// TestHugeLeadOnEveryPlatform sends a lead with 5,000 form answers and a
// bidi name: each chat body is within its platform's limit and valid UTF-8,
// and says how many answers it left out; the webhook carries all of them.
func TestHugeLeadOnEveryPlatform(t *testing.T) {
	huge := robots.HugeLead(5000, 60)
	huge.UserName = strings.Repeat("名\u202e", 3000)
	e := newEnv(t)
	for _, tc := range chatCases {
		t.Run(tc.name, func(t *testing.T) {
			m := e.send(t, tc.platform, huge, tc.assignee)
			require.LessOrEqual(t, tc.size(m), tc.limit)
			for _, s := range texts(m.Body) {
				require.True(t, utf8.ValidString(s))
				require.False(t, strings.ContainsAny(s, bidiControls))
			}
			require.Contains(t, e.sim.Render(m), "另有", "answers left out are counted")
			require.Contains(t, e.sim.Render(m), "@"+tc.assignee.Name, "the mention survives the cut")
		})
	}
	t.Run("webhook", func(t *testing.T) {
		m := e.send(t, webhook.Type, huge, robots.SampleMembers[0])
		require.True(t, utf8.Valid(m.Raw))
		lead := dig(m.Body, "alerts").([]any)[0].(map[string]any)["lead"].(map[string]any)
		require.Len(t, lead["form"], 5003, "every answer, the sample's three and 5,000 more")
	})
}
