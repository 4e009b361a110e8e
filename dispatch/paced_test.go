package dispatch_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/dispatch"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/dingtalk"
	"github.com/cluebot/cluebot/notify/webhook"
	"github.com/cluebot/cluebot/notify/wecom"
	"github.com/cluebot/cluebot/report"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/sim/robots"
)

// TestReportIsPacedWithTheAlerts: leads arrive every 2 seconds and their
// alerts go out one by one, spending most of the robot's minute; then the
// daily report goes to the same robot, through the deliverer's pacing, and
// the alerts go on. The report's messages take the robot's slots like
// alerts, waiting for one when none is free: the robot refuses nothing and
// never gets more than its 20 a minute.
func TestReportIsPacedWithTheAlerts(t *testing.T) {
	for name, tc := range map[string]struct {
		receiver string
		cfg      notify.ReceiverConfig
		robot    func(*robots.Server) string
		as       string // how the report goes
	}{
		// A WeCom robot gets the report's files (one per route and the
		// whole day's), one message each, at the default budget.
		"wecom files": {"wecom", notify.ReceiverConfig{Type: wecom.Type, URL: "/wecom/cgi-bin/webhook/send?key=wkey"},
			func(rb *robots.Server) string { rb.AddWeCom("wkey"); return "wkey" }, "file"},
		// A DingTalk robot paced at its documented 20 a minute gets the
		// summary.
		"dingtalk summary": {"ding", notify.ReceiverConfig{Type: dingtalk.Type, URL: "/dingtalk/robot/send?access_token=dtok",
			Secret: secret.String("SECabc"), PerMinute: 20},
			func(rb *robots.Server) string { rb.AddDingTalk("dtok", "SECabc", ""); return "dtok" }, "summary"},
	} {
		t.Run(name, func(t *testing.T) {
			other := notify.ReceiverConfig{Type: webhook.Type, URL: "/webhook/sink"}
			cfgs := map[string]notify.ReceiverConfig{"ding": other, "wecom": other, "feishu": other}
			cfgs[tc.receiver] = tc.cfg
			r := newRig(t, cfgs, robots.Options{})
			r.robots.AddWebhook("sink", "")
			robot := tc.robot(r.robots)
			d := dispatch.NewDeliverer(r.store, r.receivers, r.leads, dispatch.StorePacer{Store: r.store}, "one", nil, r.clock.Now)
			d.Sleep = func(ctx context.Context, d time.Duration) error { r.clock.Advance(d); return nil }
			var notifier notify.Notifier
			for _, rc := range r.receivers {
				if rc.Name == tc.receiver {
					notifier = rc.Notifier
				}
			}
			ctx := context.Background()
			const steps, reportAt = 40, 17
			for i := range steps {
				_, err := r.store.UpsertClues(ctx, testClues(t, 3*i, 3)) // one lead for each route
				require.NoError(t, err)
				_, err = r.router.RouteNew(ctx)
				require.NoError(t, err)
				_, err = d.DeliverDue(ctx)
				require.NoError(t, err)
				if i == reportAt {
					files, sum, err := report.WriteFile(ctx, r.store, time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC),
						report.Options{Zone: time.UTC, SplitBy: "route"}, t.TempDir())
					require.NoError(t, err)
					require.Greater(t, len(files), 1)
					require.NoError(t, report.Deliver(ctx, files, sum, []report.Target{{Name: tc.receiver, Type: tc.cfg.Type,
						Notifier: notifier, Pacer: d}}, nil))
				}
				r.clock.Advance(2 * time.Second)
			}
			_, err := d.Drain(ctx)
			require.NoError(t, err)

			require.Empty(t, refusals(r.robots), "no refusal: the report waited for the robot's slots")
			msgs := r.robots.Messages(robot)
			require.LessOrEqual(t, mostWithin(msgs, time.Minute), 20, "the robot's budget held")
			require.Len(t, r.received(robot), steps, "every lead alerted once")
			switch tc.as {
			case "file":
				require.Len(t, r.robots.Uploads(robot), 4, "the day's file and one per route")
			case "summary":
				var summaries int
				for _, m := range msgs {
					if len(leadName.FindAll(m.Raw, -1)) == 0 {
						summaries++
					}
				}
				require.Equal(t, 1, summaries, "the summary arrived")
			}
			t.Logf("%d alerts and the report in %d messages; at most %d arrived in any minute",
				steps, len(msgs), mostWithin(msgs, time.Minute))
		})
	}
}

// TestSendPacedHonoursAndSetsPauses: a message sent outside the outbox
// waits out a pause of its receiver, and a rate-limit answer to it pauses
// the receiver for the alerts too.
func TestSendPacedHonoursAndSetsPauses(t *testing.T) {
	r := newRig(t, nil, robots.Options{})
	d := dispatch.NewDeliverer(r.store, r.receivers, r.leads, dispatch.StorePacer{Store: r.store}, "one", nil, r.clock.Now)
	d.Sleep = func(ctx context.Context, d time.Duration) error { r.clock.Advance(d); return nil }
	ctx, start := context.Background(), r.clock.Now()
	budget := dispatch.BudgetFor(&notify.ReceiverConfig{Type: dingtalk.Type})

	require.NoError(t, dispatch.StorePacer{Store: r.store}.Pause(ctx, "ding", start.Add(5*time.Minute)))
	var sentAt time.Time
	_, err := d.SendPaced(ctx, "ding", func(context.Context) (bool, error) { sentAt = r.clock.Now(); return false, nil })
	require.NoError(t, err)
	require.False(t, sentAt.Before(start.Add(5*time.Minute)), "sent at %s, before the pause ended", sentAt.Sub(start))

	limited := &notify.Error{Platform: dingtalk.Type, Code: 130101, Class: notify.Retry, RetryAfter: 10 * time.Minute,
		Err: errors.New("send too fast")}
	retry, err := d.SendPaced(ctx, "ding", func(context.Context) (bool, error) { return true, limited })
	require.ErrorIs(t, err, limited)
	require.True(t, retry)
	free, err := dispatch.StorePacer{Store: r.store}.Remaining(ctx, "ding", r.clock.Now(), budget)
	require.NoError(t, err)
	require.Zero(t, free, "the alerts wait too")
	_, next, err := dispatch.StorePacer{Store: r.store}.Reserve(ctx, "ding", r.clock.Now(), budget)
	require.NoError(t, err)
	require.WithinDuration(t, r.clock.Now().Add(10*time.Minute), next, 0, "for the robot's 10 minutes")

	retry, err = d.SendPaced(ctx, "nobody", func(context.Context) (bool, error) { return false, nil })
	require.ErrorContains(t, err, "receiver nobody")
	require.False(t, retry, "no retry mends an unknown receiver")
	require.Equal(t, notify.Permanent, notify.ClassOf(err))
}
