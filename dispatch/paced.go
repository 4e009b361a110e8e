package dispatch

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/notify"
)

// SendPaced sends one message to receiver outside the outbox (the daily
// summary, a report file) under the same pacing as its alerts, shared with
// every instance through the pacer: it waits for a slot of the receiver's
// budget (while the budget is spent or the receiver paused), then calls
// send, and a rate-limit answer pauses the receiver as an alert's does. It
// returns send's result, or an error when ctx ends first or the pacer fails
// (both worth retrying), or a permanent one for a receiver that is not a
// chat receiver of the config; the retry result is notify.Retryable(err).
func (d *Deliverer) SendPaced(ctx context.Context, receiver string, send func(context.Context) (retry bool, err error)) (bool, error) {
	r, ok := d.receivers[receiver]
	if !ok {
		return notify.Result(fmt.Errorf("receiver %s: %w", receiver, errNotChat))
	}
	budget := BudgetFor(&r.Config)
	for {
		ok, next, err := d.pacer.Reserve(ctx, receiver, d.now(), budget)
		if err != nil {
			return notify.Result(fmt.Errorf("receiver %s: pacing: %w", receiver, err))
		}
		if ok {
			break
		}
		if wait := next.Sub(d.now()); wait > time.Second {
			d.log.Info("waiting for the receiver's rate budget", "receiver", receiver, "until", next)
		}
		if err := d.Sleep(ctx, max(next.Sub(d.now()), 10*time.Millisecond)); err != nil {
			return notify.Result(err)
		}
	}
	_, err := send(ctx)
	if err != nil {
		if _, perr := d.penalize(context.WithoutCancel(ctx), receiver, err); perr != nil {
			err = errors.Join(err, perr)
		}
	}
	return notify.Result(err)
}

// errNotChat is SendPaced's failure for a receiver it does not deliver to.
var errNotChat = &notify.Error{Class: notify.Permanent, Err: errors.New("not a chat receiver of this config")}

// penalize pauses receiver, for every instance, for as long as a robot's
// rate-limit answer err asks (capped at RetryMax), and returns until when;
// zero when err asks for no wait.
func (d *Deliverer) penalize(ctx context.Context, receiver string, err error) (time.Time, error) {
	var ne *notify.Error
	if !errors.As(err, &ne) || ne.RetryAfter <= 0 {
		return time.Time{}, nil
	}
	until := d.now().Add(min(ne.RetryAfter, d.retryMax()))
	if perr := d.pacer.Pause(ctx, receiver, until); perr != nil {
		return time.Time{}, fmt.Errorf("receiver %s: pause: %w", receiver, perr)
	}
	return until, nil
}
