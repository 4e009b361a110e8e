package dispatch_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/dispatch"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/sim/robots"
	"github.com/cluebot/cluebot/store"
)

// withConfig returns the rig's receivers with receiver name's config
// changed by edit and its notifier built again from it.
func (r *rig) withConfig(t *testing.T, name string, edit func(*notify.ReceiverConfig)) []*dispatch.Receiver {
	t.Helper()
	var list []*dispatch.Receiver
	for _, rc := range r.receivers {
		c := *rc
		if c.Name == name {
			edit(&c.Config)
			n, err := receiver.Build(name, &c.Config, nil, nil, nil)
			require.NoError(t, err)
			setClock(n, r.clock.Now)
			c.Notifier = n
		}
		list = append(list, &c)
	}
	return list
}

// storeDeliverer is a deliverer over the rig's store paced by the store, as
// each instance and each `cluebot once` is.
func (r *rig) storeDeliverer(list []*dispatch.Receiver) *dispatch.Deliverer {
	d := dispatch.NewDeliverer(r.store, list, r.leads, dispatch.StorePacer{Store: r.store}, "test", nil, r.clock.Now)
	d.Sleep = func(ctx context.Context, d time.Duration) error { r.clock.Advance(d); return nil }
	return d
}

// refusals counts the requests robot refused.
func (r *rig) refusals(robot string) int {
	n := 0
	for _, f := range r.robots.Refusals() {
		if f.Robot == robot {
			n++
		}
	}
	return n
}

// TestRefusedReceiverIsHeldNotHammered: a robot that refuses the receiver's
// configuration (DingTalk 310000, WeCom 93000, Feishu 19021) gets one
// request, not one per queued alert. The refused message's alerts are
// parked with the reason, as any permanent refusal; the others stay queued,
// untried; the receivers next to it keep delivering; later passes leave it
// alone until the hold ends or its configuration changes; then the queued
// ones go, and retry-dead brings the parked ones.
func TestRefusedReceiverIsHeldNotHammered(t *testing.T) {
	tests := []struct {
		receiver, province, robot string // robot: the id the broken config reaches
		broken                    func(*notify.ReceiverConfig)
		code                      string
	}{
		{"ding", "河南", "dtok", func(c *notify.ReceiverConfig) { c.Secret = "SECwrong" }, "310000"},
		{"wecom", "广东", "nokey", func(c *notify.ReceiverConfig) {
			c.URL = secret.String(strings.Replace(c.URL.Reveal(), "wkey", "nokey", 1))
		}, "93000"},
		{"feishu", "浙江", "fhook", func(c *notify.ReceiverConfig) { c.Secret = "wrong" }, "19021"},
	}
	for _, tc := range tests {
		t.Run(tc.receiver, func(t *testing.T) {
			r := newRig(t, nil, robots.Options{})
			const perRobot = 8
			byProvince := r.addLeads(t, 3*perRobot)
			ctx := context.Background()
			_, err := r.router.RouteNew(ctx)
			require.NoError(t, err)

			broken := r.withConfig(t, tc.receiver, tc.broken)
			ds, err := r.storeDeliverer(broken).Drain(ctx)
			require.NoError(t, err)
			t.Logf("%s with %d queued alerts: %d requests refused in the pass", tc.receiver, perRobot, r.refusals(tc.robot))
			require.Equal(t, 1, r.refusals(tc.robot), "one request, not one per queued alert")
			require.Positive(t, ds.Dead, "the alerts of the refused message (one, or a digest) are parked")
			require.Zero(t, ds.Retried)
			require.ErrorContains(t, ds.Errors[tc.receiver], tc.code, "the refusal is reported, not the hold")
			for name, id := range r.ids {
				if name != tc.receiver {
					require.Len(t, r.received(id), perRobot, "%s next to it keeps delivering", name)
				}
			}
			dead := 0
			for _, id := range byProvince[tc.province] {
				items, err := r.store.OutboxItems(ctx, id)
				require.NoError(t, err)
				require.Len(t, items, 1)
				if items[0].State == store.OutboxDead {
					dead++
					require.Contains(t, items[0].LastError, tc.code, "the reason is visible")
					require.Equal(t, 1, items[0].Attempts)
					continue
				}
				require.Equal(t, store.OutboxPending, items[0].State, "queued, nothing lost")
				require.Empty(t, items[0].LastError, "untried")
				require.Zero(t, items[0].Attempts)
			}
			require.Equal(t, ds.Dead, dead, "the others untouched")

			// More leads while it is held (a digest may have taken them all).
			_, err = r.store.UpsertClues(ctx, testClues(t, 3*perRobot, 3*perRobot))
			require.NoError(t, err)
			_, err = r.router.RouteNew(ctx)
			require.NoError(t, err)

			// Later passes, by any instance or `once` on the store, leave it alone.
			r.clock.Advance(10 * time.Minute)
			ds, err = r.storeDeliverer(broken).Drain(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, r.refusals(tc.robot), "held")
			require.ErrorIs(t, ds.Errors[tc.receiver], dispatch.ErrHeld)

			// When the hold ends, one message probes it again.
			r.clock.Advance(25 * time.Minute)
			_, err = r.storeDeliverer(broken).Drain(ctx)
			require.NoError(t, err)
			require.Equal(t, 2, r.refusals(tc.robot), "one probe after the hold")

			// The fixed configuration (the rig's own) is not held: the queued
			// alerts go; retry-dead brings the parked ones.
			r.clock.Advance(time.Minute)
			ds, err = r.storeDeliverer(r.receivers).Drain(ctx)
			require.NoError(t, err)
			parked, err := r.store.RequeueDeadOf(ctx, tc.receiver, r.clock.Now())
			require.NoError(t, err)
			require.Equal(t, 2*perRobot, ds.Delivered+parked, "every alert is sent or parked, none lost")
			require.Greater(t, parked, dead, "the probe's alerts were parked too")
			ds, err = r.storeDeliverer(r.receivers).Drain(ctx)
			require.NoError(t, err)
			require.Equal(t, parked, ds.Delivered)
			require.Len(t, r.received(r.ids[tc.receiver]), 2*perRobot)
			require.Equal(t, 2, r.refusals(tc.robot))
		})
	}
}
