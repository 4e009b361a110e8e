package dispatch_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/sim/robots"
)

// TestRobotFaultsLoseNothingAndDoubleNothing: the robots refuse 20% of
// requests (5xx pages and rate-limit codes outside their real limit). Every
// alert still reaches its robot, exactly once, within the retries.
func TestRobotFaultsLoseNothingAndDoubleNothing(t *testing.T) {
	r := newRig(t, nil, robots.Options{FaultRate: 0.2, Faults: []robots.Fault{robots.Fault5xx, robots.FaultRateLimit}, Seed: 7})
	byProvince := r.addLeads(t, 150)
	ctx := context.Background()
	_, err := r.router.RouteNew(ctx)
	require.NoError(t, err)
	retried := 0
	for i := 0; i < 200; i++ {
		ds, err := r.deliv.DeliverDue(ctx)
		require.NoError(t, err)
		retried += ds.Retried
		stats, err := r.store.OutboxStats(ctx, r.clock.Now())
		require.NoError(t, err)
		require.Zero(t, stats.Dead, "a transient failure never parks an alert")
		if stats.Pending == 0 {
			break
		}
		r.clock.Advance(time.Minute)
	}
	stats, err := r.store.OutboxStats(ctx, r.clock.Now())
	require.NoError(t, err)
	require.Zero(t, stats.Pending, "everything delivered in the end")
	require.Positive(t, retried, "faults were met and retried")
	injected := 0
	for _, f := range r.robots.Refusals() {
		require.NotEmpty(t, f.Fault, "only injected faults: pacing held (%d %s)", f.Code, f.Message)
		injected++
	}
	require.Positive(t, injected)
	for receiver, p := range map[string]string{"ding": "河南", "wecom": "广东", "feishu": "浙江"} {
		require.Equal(t, numbers(byProvince[p]), keys(r.received(r.ids[receiver])), "%s: each lead once", receiver)
	}
	t.Logf("150 leads, %d injected robot faults, %d alerts retried, 0 lost, 0 doubled", injected, retried)
}
