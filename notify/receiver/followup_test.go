package receiver_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/sim/robots"
)

// TestHostileFollowupOnEveryPlatform sends a reminder and an escalation of
// a lead whose every field tries to inject markup, through each platform's
// robot in the simulator: the reminder @s its assignee and no one else, the
// escalation no one, and neither lets a link, tag or block through.
func TestHostileFollowupOnEveryPlatform(t *testing.T) {
	e := newEnv(t)
	hostile := notify.Alert{Lead: robots.HostileLead(), Route: "r", Assignee: &robots.SampleMembers[0]}
	bad := []string{"](", "<at", "<@", "@所有人", "@all", "@1380", "http://", "<font color=\"warning\">红",
		"\n# ", "\n> 引用", "\n- 列表", "\n1. 有序", "**粗体**", "`code`"}
	for _, typ := range platforms {
		t.Run(typ, func(t *testing.T) {
			reminder := &notify.Message{Followup: &notify.Followup{Kind: notify.KindReminder, Late: 15 * time.Minute},
				Alerts: []notify.Alert{hostile}}
			_, err := e.notifiers[typ].Notify(context.Background(), reminder)
			require.NoError(t, err)
			m := e.last(t, typ)
			all := strings.Join(texts(m.Body), "\n")
			require.Len(t, ourMention[typ].FindAllString(all, -1), 1, "exactly one real mention")
			rest := ourMention[typ].ReplaceAllString(all, "")
			for _, b := range bad {
				require.NotContains(t, rest, b)
			}
			shown := e.sim.Render(m)
			require.Contains(t, shown, "⏰ 15 分钟未跟进")
			require.Equal(t, 1, strings.Count(shown, "@张三"))

			escalation := &notify.Message{Followup: &notify.Followup{Kind: notify.KindEscalation, Late: time.Hour},
				Alerts: []notify.Alert{hostile, digestAlert(1)}}
			_, err = e.notifiers[typ].Notify(context.Background(), escalation)
			require.NoError(t, err)
			m = e.last(t, typ)
			all = strings.Join(texts(m.Body), "\n")
			require.Empty(t, ourMention[typ].FindAllString(all, -1), "the managers' group @s no one")
			for _, b := range bad {
				require.NotContains(t, all, b)
			}
			shown = e.sim.Render(m)
			require.Contains(t, shown, "2 条线索超过 1 小时未跟进")
			require.NotContains(t, shown, "@张三")
			require.NotContains(t, shown, "@李四")
		})
	}
}

// TestEscalationSize: an escalation too large for a robot is refused whole
// as TooLarge, for the caller to split like a digest; one lead alone is cut
// to fit instead.
func TestEscalationSize(t *testing.T) {
	e := newEnv(t)
	for _, typ := range platforms {
		t.Run(typ, func(t *testing.T) {
			before := len(e.sim.Messages(typ))
			big := &notify.Message{Followup: &notify.Followup{Kind: notify.KindEscalation, Late: 30 * time.Minute}}
			for i := range 300 {
				big.Alerts = append(big.Alerts, digestAlert(i))
			}
			retry, err := e.notifiers[typ].Notify(context.Background(), big)
			require.False(t, retry)
			require.ErrorIs(t, err, notify.ErrTooLarge)
			require.Len(t, e.sim.Messages(typ), before, "nothing was sent")

			huge := robots.SampleLead()
			huge.UserName = strings.Repeat("长名", 20000)
			one := &notify.Message{Followup: &notify.Followup{Kind: notify.KindEscalation, Late: 30 * time.Minute},
				Alerts: []notify.Alert{{Lead: huge, Route: "r", Assignee: &robots.SampleMembers[0]}}}
			_, err = e.notifiers[typ].Notify(context.Background(), one)
			require.NoError(t, err)
			require.Len(t, e.sim.Messages(typ), before+1)
		})
	}
}
