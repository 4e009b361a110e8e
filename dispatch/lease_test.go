package dispatch_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/dispatch"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/sim/robots"
	"github.com/cluebot/cluebot/store"
)

// duringSend calls fn while the wrapped notifier's first message is being
// sent.
type duringSend struct {
	notify.Notifier
	fn   func()
	done bool
}

func (n *duringSend) Notify(ctx context.Context, msg *notify.Message) (bool, error) {
	if !n.done {
		n.done = true
		n.fn()
	}
	return n.Notifier.Notify(ctx, msg)
}

// withNotifier returns the rig's receivers with receiver name's notifier
// replaced by wrap of it.
func (r *rig) withNotifier(name string, wrap func(notify.Notifier) notify.Notifier) []*dispatch.Receiver {
	var list []*dispatch.Receiver
	for _, rc := range r.receivers {
		c := *rc
		if c.Name == name {
			c.Notifier = wrap(c.Notifier)
		}
		list = append(list, &c)
	}
	return list
}

// TestOnlyTheAlertBeingSentIsLeased: a short queue goes out one alert per
// message, and only the alert in flight is leased. Another instance (or the
// process that takes over after a crash) can take the others at once rather
// than wait out the lease of alerts nobody is sending.
func TestOnlyTheAlertBeingSentIsLeased(t *testing.T) {
	r := newRig(t, nil, robots.Options{})
	r.addLeads(t, 9) // 3 for each robot
	ctx := context.Background()
	_, err := r.router.RouteNew(ctx)
	require.NoError(t, err)
	var taken []store.OutboxItem
	list := r.withNotifier("ding", func(n notify.Notifier) notify.Notifier {
		return &duringSend{Notifier: n, fn: func() {
			taken, err = r.store.ClaimOutbox(ctx, store.Claim{Receiver: "ding", Owner: "other", Now: r.clock.Now(),
				Lease: time.Minute, Limit: 10})
		}}
	})
	d := dispatch.NewDeliverer(r.store, list, r.leads, &dispatch.MemoryPacer{}, "one", nil, r.clock.Now)
	stats, derr := d.DeliverDue(ctx)
	require.NoError(t, derr)
	require.NoError(t, err)
	require.Len(t, taken, 2, "while the first ding alert is sent, the other two are free to claim")
	require.Equal(t, 1, stats.Sent["ding"], "the other instance has the rest")
	require.Equal(t, 3, stats.Sent["wecom"])
}

// failing refuses every message with a transient error.
type failing struct{ retryAfter time.Duration }

func (f failing) Notify(context.Context, *notify.Message) (bool, error) {
	return true, &notify.Error{Class: notify.Retry, RetryAfter: f.retryAfter, Err: errors.New("busy")}
}

// TestRetryWaitsAreConfigurable: RetryBackoff sets the first wait after a
// failure and RetryMax caps every wait, a robot's own penalty included.
func TestRetryWaitsAreConfigurable(t *testing.T) {
	for name, tc := range map[string]struct {
		retryAfter, backoff, max time.Duration
		lo, hi                   time.Duration
	}{
		"default backoff":         {0, 0, 0, 7500 * time.Millisecond, 15 * time.Second},
		"short backoff":           {0, 200 * time.Millisecond, 2 * time.Second, 100 * time.Millisecond, 200 * time.Millisecond},
		"penalty under the cap":   {time.Minute, 0, 0, time.Minute, time.Minute},
		"penalty capped":          {10 * time.Minute, 200 * time.Millisecond, 2 * time.Second, 2 * time.Second, 2 * time.Second},
		"backoff capped by retry": {0, time.Minute, time.Minute, 30 * time.Second, time.Minute},
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, nil, robots.Options{})
			r.addLeads(t, 1) // one lead, for ding
			ctx := context.Background()
			_, err := r.router.RouteNew(ctx)
			require.NoError(t, err)
			list := r.withNotifier("ding", func(notify.Notifier) notify.Notifier { return failing{tc.retryAfter} })
			d := dispatch.NewDeliverer(r.store, list, r.leads, &dispatch.MemoryPacer{}, "one", nil, r.clock.Now)
			d.RetryBackoff, d.RetryMax = tc.backoff, tc.max
			stats, err := d.DeliverDue(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, stats.Retried)
			items, err := r.store.OutboxItems(ctx, "1974516040085300000")
			require.NoError(t, err)
			require.Len(t, items, 1)
			wait := items[0].NextAt.Sub(r.clock.Now())
			require.True(t, wait >= tc.lo && wait <= tc.hi, "waits %s, want %s..%s", wait, tc.lo, tc.hi)
		})
	}
}
