package dispatch_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/dingtalk"
	"github.com/cluebot/cluebot/sim/robots"
)

// BenchmarkDrainBurst drains a 500-lead burst to one signed DingTalk robot
// held to 20 messages a minute, on a fake clock: it reports how long the
// burst takes to arrive, in how many messages, and how many requests the
// robot refused (the target is none: DingTalk's penalty is 10 minutes).
func BenchmarkDrainBurst(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		cfg := notify.ReceiverConfig{Type: dingtalk.Type, URL: "/dingtalk/robot/send?access_token=burst", Secret: "SECburst"}
		r := newRig(b, map[string]notify.ReceiverConfig{"ding": cfg, "wecom": cfg, "feishu": cfg}, robots.Options{})
		r.robots.AddDingTalk("burst", "SECburst", "")
		r.addLeads(b, 500)
		ctx := context.Background()
		_, err := r.router.RouteNew(ctx)
		require.NoError(b, err)
		start := r.clock.Now()
		b.StartTimer()
		ds, err := r.deliv.Drain(ctx)
		b.StopTimer()
		require.NoError(b, err)
		require.Equal(b, 500, ds.Delivered)
		b.ReportMetric(r.clock.Now().Sub(start).Seconds(), "drain-s")
		b.ReportMetric(float64(ds.Messages), "messages")
		b.ReportMetric(float64(len(r.robots.Refusals())), "refused")
	}
}
