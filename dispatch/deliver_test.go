package dispatch_test

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/dispatch"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/dingtalk"
	"github.com/cluebot/cluebot/notify/webhook"
	"github.com/cluebot/cluebot/notify/wecom"
	"github.com/cluebot/cluebot/sim/robots"
	"github.com/cluebot/cluebot/store"
)

var leadName = regexp.MustCompile(`客户(\d+)`)

// received maps each lead number a robot got to how many messages held it.
func (r *rig) received(robot string) map[string]int { return receivedBy(r.robots, robot) }

// receivedBy maps each lead number robot got from rb to how many messages
// held it.
func receivedBy(rb *robots.Server, robot string) map[string]int {
	got := map[string]int{}
	for _, m := range rb.Messages(robot) {
		seen := map[string]bool{}
		for _, n := range leadName.FindAllStringSubmatch(string(m.Raw), -1) {
			seen[n[1]] = true
		}
		for n := range seen {
			got[n]++
		}
	}
	return got
}

func numbers(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		var n int
		fmt.Sscanf(id[len(id)-5:], "%d", &n)
		out[i] = fmt.Sprint(n)
	}
	sort.Strings(out)
	return out
}

func keys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		if v != 1 {
			out = append(out, k+fmt.Sprintf("×%d", v))
			continue
		}
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestEveryLeadReachesItsRobotOnce(t *testing.T) {
	r := newRig(t, nil, robots.Options{})
	byProvince := r.addLeads(t, 120)
	ctx := context.Background()
	rs, err := r.router.RouteNew(ctx)
	require.NoError(t, err)
	require.Equal(t, 120, rs.Routed)
	require.Equal(t, map[string]int{"henan": 40, "guangdong": 40, "rest": 40}, rs.ByRoute)

	for i := 0; i < 2; i++ { // a second pass finds nothing more to send
		_, err := r.deliv.Drain(ctx)
		require.NoError(t, err)
		rs, err := r.router.RouteNew(ctx)
		require.NoError(t, err)
		require.Zero(t, rs.Routed+rs.Unrouted, "routing is saved once")
	}
	require.Empty(t, r.robots.Refusals(), "no request refused: pacing and sizes held")
	for receiver, p := range map[string]string{"ding": "河南", "wecom": "广东", "feishu": "浙江"} {
		require.Equal(t, numbers(byProvince[p]), keys(r.received(r.ids[receiver])), receiver)
	}
	stats, err := r.store.OutboxStats(ctx, r.clock.Now())
	require.NoError(t, err)
	require.Zero(t, stats.Pending)
	require.Zero(t, stats.Dead)

	// Round robin alternates the Henan assignees.
	c, err := r.store.Clue(ctx, byProvince["河南"][0])
	require.NoError(t, err)
	c2, err := r.store.Clue(ctx, byProvince["河南"][1])
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"张三", "李四"}, []string{c.Assignees[0], c2.Assignees[0]})
	require.Equal(t, 1, c.Sent)
}

func TestBurstGoesOutAsDigestsWithinTheRateLimit(t *testing.T) {
	r := newRig(t, nil, robots.Options{})
	r.addLeads(t, 1500) // 500 per robot
	ctx := context.Background()
	_, err := r.router.RouteNew(ctx)
	require.NoError(t, err)
	start := r.clock.Now()
	ds, err := r.deliv.Drain(ctx)
	require.NoError(t, err)
	took := r.clock.Now().Sub(start)
	require.Empty(t, r.robots.Refusals())
	require.Equal(t, 1500, ds.Delivered)
	require.Less(t, took, 2*time.Minute, "a 500-lead burst drains within two minutes at 20 messages a minute")
	require.Less(t, len(r.robots.Messages("dtok")), 40, "digests, not one message per lead")
	require.Len(t, r.received("dtok"), 500)
}

func TestFailuresStayQueuedOrAreParked(t *testing.T) {
	cases := []struct {
		name      string
		cfg       notify.ReceiverConfig
		robotOpts robots.Options
		wantState string
		wantError string
	}{
		{"unknown token is permanent", notify.ReceiverConfig{Type: dingtalk.Type, URL: "/dingtalk/robot/send?access_token=nope"},
			robots.Options{}, store.OutboxDead, "300001"},
		{"a refused message is permanent", notify.ReceiverConfig{Type: webhook.Type, URL: "/webhook/nope"},
			robots.Options{}, store.OutboxDead, "404"},
		{"server errors are retried", notify.ReceiverConfig{Type: wecom.Type, URL: "/wecom/cgi-bin/webhook/send?key=k1"},
			robots.Options{FaultRate: 1, Faults: []robots.Fault{robots.Fault5xx}}, store.OutboxPending, "502"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, map[string]notify.ReceiverConfig{"ding": tc.cfg, "wecom": tc.cfg, "feishu": tc.cfg}, tc.robotOpts)
			r.robots.AddWeCom("k1")
			ids := r.addLeads(t, 3)
			ctx := context.Background()
			_, err := r.router.RouteNew(ctx)
			require.NoError(t, err)
			_, err = r.deliv.Drain(ctx)
			require.NoError(t, err)
			items, err := r.store.OutboxItems(ctx, ids["河南"][0])
			require.NoError(t, err)
			require.Len(t, items, 1)
			require.Equal(t, tc.wantState, items[0].State)
			require.Contains(t, items[0].LastError, tc.wantError)
			require.NotContains(t, items[0].LastError, "nope", "no token in the stored reason")
			if tc.wantState == store.OutboxPending {
				require.Equal(t, 1, items[0].Attempts)
				require.True(t, items[0].NextAt.After(r.clock.Now()), "retried later, with backoff")
			}
		})
	}
}

func TestOldCluesAreRoutedButNotAlerted(t *testing.T) {
	r := newRig(t, nil, robots.Options{})
	r.router.MaxAge = 30 * time.Minute // the rig's leads were collected an hour before its clock
	ids := r.addLeads(t, 6)
	ctx := context.Background()
	rs, err := r.router.RouteNew(ctx)
	require.NoError(t, err)
	require.Equal(t, 6, rs.Routed)
	require.Zero(t, rs.Enqueued)
	c, err := r.store.Clue(ctx, ids["河南"][0])
	require.NoError(t, err)
	require.Equal(t, []string{"henan"}, c.Routes, "routed, for the report")
	items, err := r.store.OutboxItems(ctx, c.ID)
	require.NoError(t, err)
	require.Empty(t, items, "but not alerted")
}

func TestTwoDeliverersShareTheRobotsBudget(t *testing.T) {
	r := newRig(t, nil, robots.Options{})
	r.addLeads(t, 600)
	ctx := context.Background()
	_, err := r.router.RouteNew(ctx)
	require.NoError(t, err)
	// Two processes on one store: the budget is the store's, not each one's.
	mk := func(owner string) *dispatch.Deliverer {
		d := dispatch.NewDeliverer(r.store, r.receivers, r.leads, dispatch.StorePacer{Store: r.store}, owner, nil, r.clock.Now)
		d.Sleep = func(ctx context.Context, d time.Duration) error { r.clock.Advance(d); return nil }
		return d
	}
	a, b := mk("a"), mk("b")
	for i := 0; i < 30; i++ { // alternate passes, as two daemons would
		_, err := a.DeliverDue(ctx)
		require.NoError(t, err)
		_, err = b.DeliverDue(ctx)
		require.NoError(t, err)
		r.clock.Advance(5 * time.Second)
	}
	require.Empty(t, r.robots.Refusals(), "together they never exceed a robot's limit")
	stats, err := r.store.OutboxStats(ctx, r.clock.Now())
	require.NoError(t, err)
	require.Zero(t, stats.Pending)
	require.Len(t, r.received("dtok"), 200)
}

func TestShortQueueGoesOutSinglyButKeepsHalfTheBudget(t *testing.T) {
	// One message per lead while the queue is short, since a single alert
	// shows the whole form; but never more than half of the minute's
	// budget at once, so the leads still coming are not left waiting for
	// the window to slide.
	tests := []struct {
		name          string
		leads         int // per robot
		wantMessages  int
		wantFirstSize int
	}{
		{"two leads: two alerts", 2, 2, 1},
		{"nine leads: nine alerts, half of 19", 9, 9, 1},
		{"twelve leads: one digest", 12, 1, 12},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, nil, robots.Options{})
			r.addLeads(t, 3*tc.leads)
			ctx := context.Background()
			_, err := r.router.RouteNew(ctx)
			require.NoError(t, err)
			_, err = r.deliv.Drain(ctx)
			require.NoError(t, err)
			msgs := r.robots.Messages("dtok")
			require.Len(t, msgs, tc.wantMessages)
			require.Len(t, r.received("dtok"), tc.leads)
			seen := map[string]bool{}
			for _, n := range leadName.FindAllStringSubmatch(string(msgs[0].Raw), -1) {
				seen[n[1]] = true
			}
			require.Len(t, seen, tc.wantFirstSize)
		})
	}
}
