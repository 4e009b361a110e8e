package dingtalk_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/dingtalk"
	"github.com/cluebot/cluebot/notify/notifytest"
	"github.com/cluebot/cluebot/sim/robots"
)

func TestSignVectors(t *testing.T) {
	tests := []struct {
		name, secret string
		ms           int64
		sign         string
	}{
		{name: "CatchZeng/dingtalk", secret: "SECb90923e19e58b466481e9e7b7a5b4f108a4531abde590ad3967fb29f0eae5c68",
			ms: 1582163555000, sign: "BQKsG+QOCl+bYJOLc6pxDHxjVquzlZPWgvRzeN2J5zY="},
		{name: "official sample secret", secret: "this is secret", ms: 1599360473000,
			sign: "hXZTWifRGHclNuZSKxoXc//sh51SWfVfRIhcdeKs63I="},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts, sign := dingtalk.Sign(tc.secret, time.UnixMilli(tc.ms))
			require.Equal(t, strconv.FormatInt(tc.ms, 10), ts, "milliseconds")
			require.Equal(t, tc.sign, sign)
		})
	}
}

func TestSignedURL(t *testing.T) {
	s, n := setup(t, "SECsecret", "", notify.ReceiverConfig{Secret: "SECsecret"})
	tick := notifytest.Fixed
	n.SetClock(func() time.Time { tick = tick.Add(time.Second); return tick })
	for range 2 {
		_, err := n.Notify(context.Background(), sample(nil))
		require.NoError(t, err)
	}
	msgs := s.Messages("tok3n")
	require.Len(t, msgs, 2, "the simulator verified both signatures")
	for i, m := range msgs {
		q := m.Query
		require.Equal(t, "tok3n", q.Get("access_token"), "the url's query is kept")
		ts, sign := dingtalk.Sign("SECsecret", notifytest.Fixed.Add(time.Duration(i+1)*time.Second))
		require.Equal(t, ts, q.Get("timestamp"), "a fresh timestamp per request")
		require.Equal(t, sign, q.Get("sign"), "encoded once")
	}
	require.NotEqual(t, msgs[0].Query.Get("sign"), msgs[1].Query.Get("sign"))
}

func TestNotifyShape(t *testing.T) {
	s, n := setup(t, "", "告警", notify.ReceiverConfig{Keyword: "告警"})
	retry, err := n.Notify(context.Background(), sample(nil))
	require.NoError(t, err)
	require.False(t, retry)
	b := decode(t, s.Messages("tok3n")[0].Raw)
	require.Equal(t, "markdown", b.MsgType)
	require.Equal(t, "新线索 旧表单打点1 告警", b.Markdown.Title, "a keyword the message lacks is added to the title")
	require.Contains(t, b.Markdown.Text, "\n\n**电话**：155∗∗∗∗8917\n\n", "lines are paragraphs")
	require.Equal(t, []string{"13800000001"}, b.At.AtMobiles)
	require.Contains(t, b.Markdown.Text, "@13800000001", "the @ is in the text too")
	require.False(t, b.At.IsAtAll)
}

func TestMentions(t *testing.T) {
	tests := []struct {
		name    string
		member  int
		mobiles []string
		text    string
	}{
		{name: "mobile", member: 1, mobiles: []string{"13800000002"}, text: "**跟进**：@13800000002"},
		{name: "no mobile: the name, no @", member: 2, text: "**跟进**：王五"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, n := setup(t, "", "", notify.ReceiverConfig{})
			msg := &notify.Message{Alerts: []notify.Alert{{Lead: robots.SampleLead(), Route: "r", Assignee: &robots.SampleMembers[tc.member]}}}
			_, err := n.Notify(context.Background(), msg)
			require.NoError(t, err)
			b := decode(t, s.Messages("tok3n")[0].Raw)
			require.Equal(t, tc.mobiles, b.At.AtMobiles)
			require.Contains(t, b.Markdown.Text, tc.text)
		})
	}
}

func TestMaskPhone(t *testing.T) {
	off := false
	s, n := setup(t, "", "", notify.ReceiverConfig{MaskPhone: &off})
	_, err := n.Notify(context.Background(), sample(nil))
	require.NoError(t, err)
	require.Contains(t, decode(t, s.Messages("tok3n")[0].Raw).Markdown.Text, "**电话**：15584418917")
}

func TestGolden(t *testing.T) {
	_, n := setup(t, "SECsecret", "线索", notify.ReceiverConfig{Keyword: "线索"})
	digest := sample(sample(nil))
	digest.Alerts[1].Assignee = &robots.SampleMembers[1]
	tests := map[string]*notify.Message{
		"lead.json":   sample(nil),
		"digest.json": digest,
		"summary.json": {Receiver: "managers", Summary: &notify.Summary{Title: "线索日报", Date: "2024-04-30", Total: 12, Unrouted: 1,
			Sections: []notify.SummarySection{{Title: "按城市", Rows: []notify.SummaryRow{{Label: "郑州", Count: 8}, {Label: "洛阳", Count: 4}}}},
			FileName: "cluebot-2024-04-30.xlsx"}},
		"reminder.json":   notifytest.Reminder("henan-hot-group", "henan-hot", &robots.SampleMembers[0]),
		"escalation.json": notifytest.Escalation("henan-hot"),
	}
	for name, msg := range tests {
		t.Run(name, func(t *testing.T) {
			b, err := n.Body(msg)
			require.NoError(t, err)
			golden(t, name, b)
		})
	}
}
