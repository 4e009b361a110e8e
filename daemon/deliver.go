package daemon

import (
	"context"
	"runtime/debug"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/notify"
)

// deliveryTick is how often the delivery worker looks for due alerts when
// nothing wakes it (retries coming due, other instances' leftovers).
const deliveryTick = time.Second

// observe has the app build its deliverers observed for metrics: each
// message counted, each alert's latency measured.
func (d *daemon) observe() error {
	return d.a.Observe(app.Observer{
		Notifier: func(name string, n notify.Notifier) notify.Notifier {
			return &observed{Notifier: n, receiver: name, d: d}
		},
		Message: d.m.Message,
	})
}

// wakeDelivery makes the worker look for due alerts now.
func (d *daemon) wakeDelivery() {
	select {
	case d.wake <- struct{}{}:
	default: // already awake or about to be
	}
}

// deliveryLoop sends due alerts whenever woken, every deliveryTick, and when
// paced receivers' budgets free up, until stop is closed. Its sends use the
// work context, which stopping does not cancel: the message in flight is
// finished and recorded (the grace period bounds it).
func (d *daemon) deliveryLoop(stop <-chan struct{}) {
	tick := d.clock.NewTicker(deliveryTick)
	defer tick.Stop()
	var paced clockwork.Timer
	defer func() {
		if paced != nil {
			paced.Stop()
		}
	}()
	for {
		select {
		case <-stop:
			return
		default:
		}
		next := d.deliverOnce()
		var pacedC <-chan time.Time
		if paced != nil {
			paced.Stop()
			paced = nil
		}
		if !next.IsZero() {
			// NextAt is on the deliverer's wall clock.
			paced = d.clock.NewTimer(max(time.Until(next), 10*time.Millisecond))
			pacedC = paced.Chan()
		}
		select {
		case <-stop:
			return
		case <-d.wake:
		case <-tick.Chan():
		case <-pacedC:
		}
	}
}

// deliverOnce runs one delivery pass and returns when paced receivers may
// send again. A panic is logged; the worker goes on.
func (d *daemon) deliverOnce() (next time.Time) {
	defer func() {
		if r := recover(); r != nil {
			d.log.Error("delivery pass panicked", "panic", r, "stack", string(debug.Stack()))
		}
	}()
	stats, err := d.a.Live().Deliverer.DeliverDue(d.workCtx)
	if err != nil {
		d.jobFailed(d.workCtx, "delivery pass failed", err)
	}
	if stats == nil {
		return time.Time{}
	}
	if stats.Delivered > 0 || stats.Retried > 0 || stats.Dead > 0 {
		d.log.Info("alerts delivered", "delivered", stats.Delivered, "messages", stats.Messages,
			"retry_later", stats.Retried, "dead", stats.Dead)
	}
	return stats.NextAt
}

// observed is a receiver's notifier that also measures, for each alert it
// delivers, how long after its lead was first stored it went out.
type observed struct {
	notify.Notifier
	receiver string
	d        *daemon
}

// Notify sends msg and records the alerts' latency on success, from the
// first-seen times the deliverer read with the leads: nothing stands between
// the robot's answer and the alerts being marked sent, since a crash in
// between sends them again.
func (o *observed) Notify(ctx context.Context, msg *notify.Message) (bool, error) {
	retry, err := o.Notifier.Notify(ctx, msg)
	if err != nil {
		return retry, err
	}
	now := time.Now()
	for _, al := range msg.Alerts {
		if !al.FirstSeen.IsZero() {
			o.d.m.AlertLatency(o.receiver, now.Sub(al.FirstSeen))
		}
	}
	return retry, nil
}
