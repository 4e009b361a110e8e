package dispatch_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/dispatch"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/sim/robots"
	"github.com/cluebot/cluebot/store"
)

// capturing records the messages it passes on.
type capturing struct {
	notify.Notifier
	mu   sync.Mutex
	msgs []notify.Message
}

func (c *capturing) Notify(ctx context.Context, msg *notify.Message) (bool, error) {
	c.mu.Lock()
	c.msgs = append(c.msgs, *msg)
	c.mu.Unlock()
	return c.Notifier.Notify(ctx, msg)
}

// TestFollowupRowsGoOutAsTheirKind: reminder rows go out one lead per
// message with Followup set, escalation rows as one digest, and neither
// shares a message with an alert.
func TestFollowupRowsGoOutAsTheirKind(t *testing.T) {
	r := newRig(t, nil, robots.Options{})
	byProvince := r.addLeads(t, 9) // 3 for each robot
	ctx := context.Background()
	_, err := r.router.RouteNew(ctx)
	require.NoError(t, err)
	_, err = r.deliv.Drain(ctx)
	require.NoError(t, err)

	henan := byProvince["河南"]
	now := r.clock.Now()
	for i, id := range henan {
		require.NoError(t, r.store.ScheduleFollowup(ctx, id, "henan", now, now.Add(time.Minute), time.Time{}))
		kind, to := store.KindReminder, "ding"
		if i > 0 {
			kind, to = store.KindEscalation, "wecom"
			_, err := r.store.FireFollowup(ctx, store.FollowupSend{ClueID: id, Route: "henan", Kind: store.KindReminder,
				Receivers: nil, At: now})
			require.NoError(t, err)
		}
		ok, err := r.store.FireFollowup(ctx, store.FollowupSend{ClueID: id, Route: "henan", Kind: kind,
			Assignee: "张三", Receivers: []string{to}, At: now})
		require.NoError(t, err)
		require.True(t, ok)
	}
	var ding, wecom *capturing
	list := r.withNotifier("ding", func(n notify.Notifier) notify.Notifier { ding = &capturing{Notifier: n}; return ding })
	for _, rc := range list {
		if rc.Name == "wecom" {
			wecom = &capturing{Notifier: rc.Notifier}
			rc.Notifier = wecom
		}
	}
	d := dispatch.NewDeliverer(r.store, list, r.leads, &dispatch.MemoryPacer{}, "test", nil, r.clock.Now)
	d.Sleep = func(ctx context.Context, dl time.Duration) error { r.clock.Advance(dl); return nil }
	_, err = d.Drain(ctx)
	require.NoError(t, err)

	require.Len(t, ding.msgs, 1)
	require.Equal(t, &notify.Followup{Kind: notify.KindReminder}, ding.msgs[0].Followup,
		"the rules' henan has no followup: Late is zero")
	require.Len(t, ding.msgs[0].Alerts, 1)
	require.Equal(t, "张三", ding.msgs[0].Alerts[0].Assignee.Name)
	require.Len(t, wecom.msgs, 1)
	require.Equal(t, notify.KindEscalation, wecom.msgs[0].Followup.Kind)
	require.Len(t, wecom.msgs[0].Alerts, 2, "one digest of the overdue leads")
	require.Empty(t, r.robots.Refusals())
	stats, err := r.store.OutboxStats(ctx, r.clock.Now())
	require.NoError(t, err)
	require.Zero(t, stats.Pending)
	require.Zero(t, stats.Dead)
}
