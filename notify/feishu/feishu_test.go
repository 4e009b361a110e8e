package feishu_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/feishu"
	"github.com/cluebot/cluebot/notify/notifytest"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/sim/robots"
)

func TestSignVector(t *testing.T) {
	ts, sign := feishu.Sign("demo", time.Unix(1599360473, 0))
	require.Equal(t, "1599360473", ts, "seconds")
	require.Equal(t, "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=", sign)
	require.NotEqual(t, "DkEDUyVoOOJ539qBvUgMyzkzIdRWlf4e/V3Rq+ONJnQ=", sign, "not DingTalk's key/message order")
}

func TestNotifySignedCard(t *testing.T) {
	s, n := setup(t, "fs-secret", "告警", notify.ReceiverConfig{Secret: "fs-secret", Keyword: "告警"}, robots.Options{})
	tick := notifytest.Fixed
	n.SetClock(func() time.Time { tick = tick.Add(time.Second); return tick })
	for range 2 {
		retry, err := n.Notify(context.Background(), sample(nil))
		require.NoError(t, err)
		require.False(t, retry)
	}
	msgs := s.Messages(hookID)
	require.Len(t, msgs, 2, "the simulator verified both signatures and the keyword")
	for i, m := range msgs {
		c := decode(t, m.Raw)
		ts, sign := feishu.Sign("fs-secret", notifytest.Fixed.Add(time.Duration(i+1)*time.Second))
		require.Equal(t, ts, c.Timestamp, "a fresh timestamp per request, as a string")
		require.Equal(t, sign, c.Sign)
		require.Equal(t, "interactive", c.MsgType)
		require.Equal(t, "2.0", c.Card.Schema)
		require.Equal(t, "plain_text", c.Card.Header.Title.Tag)
		require.Equal(t, "新线索 旧表单打点1 告警", c.Card.Header.Title.Content)
		require.Equal(t, "orange", c.Card.Header.Template)
		require.Len(t, c.Card.Body.Elements, 1)
		require.Equal(t, "markdown", c.Card.Body.Elements[0].Tag)
		require.Contains(t, c.Card.Body.Elements[0].Content, "**电话**：155&#42;&#42;&#42;&#42;8917\n")
	}
}

func TestMentions(t *testing.T) {
	tests := []struct {
		name   string
		member route.Member
		want   string
	}{
		{name: "open_id", member: robots.SampleMembers[3], want: "**跟进**：<at id=ou_9b2c8f0a1e3d4c5b6a7f8e9d0c1b2a3f></at>"},
		{name: "mobile only: the name", member: robots.SampleMembers[1], want: "**跟进**：李四"},
		{name: "all is refused", member: route.Member{Name: "所有人", FeishuOpenID: "all"}, want: "**跟进**：所有人"},
		{name: "markup in an id is refused", member: route.Member{Name: "x", FeishuOpenID: "ou_1></at><at id=all>"}, want: "**跟进**：x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, n := setup(t, "", "", notify.ReceiverConfig{}, robots.Options{})
			msg := &notify.Message{Alerts: []notify.Alert{{Lead: robots.SampleLead(), Route: "r", Assignee: &tc.member}}}
			_, err := n.Notify(context.Background(), msg)
			require.NoError(t, err)
			content := decode(t, s.Messages(hookID)[0].Raw).Card.Body.Elements[0].Content
			require.Contains(t, content, tc.want)
			require.NotContains(t, content, "id=all")
		})
	}
}

func TestGolden(t *testing.T) {
	_, n := setup(t, "fs-secret", "", notify.ReceiverConfig{Secret: "fs-secret"}, robots.Options{})
	digest := sample(sample(nil))
	digest.Alerts[1].Assignee = &robots.SampleMembers[3]
	tests := map[string]*notify.Message{
		"lead.json":   sample(nil),
		"digest.json": digest,
		"summary.json": {Receiver: "managers", Summary: &notify.Summary{Title: "线索日报", Date: "2024-04-30", Total: 12, Unrouted: 1,
			Sections: []notify.SummarySection{{Title: "按城市", Rows: []notify.SummaryRow{{Label: "郑州", Count: 8}, {Label: "洛阳", Count: 4}}}},
			FileName: "cluebot-2024-04-30.xlsx"}},
		"reminder.json":   notifytest.Reminder("smart-calls-group", "smart-calls", &robots.SampleMembers[0]),
		"escalation.json": notifytest.Escalation("smart-calls"),
	}
	for name, msg := range tests {
		t.Run(name, func(t *testing.T) {
			b, err := n.Body(msg)
			require.NoError(t, err)
			golden(t, name, b)
		})
	}
}
