package dispatch

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// A robot that refuses a receiver's configuration (notify.ReceiverRefused:
// a bad token, key, secret or keyword, an IP allow-list without this server)
// refuses every message to it alike, and hammering it spends its rate limit
// (DingTalk throttles a robot for 10 minutes past 20 a minute). So the
// deliverer holds such a receiver: nothing more goes to it until its
// configuration changes (a reload, a restart with a fixed config) or
// ReceiverHold passes, when the next message probes it again. The alerts
// of the refused message are parked with the refusal as their error, like
// any permanent refusal (retry-dead queues them again); the others stay
// queued untouched, and a fixed receiver gets them without an operator
// re-queueing any.
//
// The hold is a pause in the pacer, so every instance and every `cluebot
// once` honours it, under a key of its own that names the configuration:
// a changed url, secret or keyword is another key, not held.

// defaultReceiverHold is ReceiverHold's default.
const defaultReceiverHold = 30 * time.Minute

// ErrHeld is the failure recorded (DeliverStats.Errors) for a receiver held
// after its robot refused its configuration.
var ErrHeld = errors.New("held: the robot refused the receiver's configuration (token, key, secret, keyword or IP allow-list); its alerts stay queued until the configuration changes or the hold ends")

// holdBudget is what the hold key is read with; the key never takes a slot.
var holdBudget = Budget{PerMinute: 1}

// holdKey is the pacer key of r's hold: its name and a digest of what the
// robot checks, so that the digest changes when the configuration does. The
// digest is truncated: it tells configurations apart and reveals no secret.
func holdKey(r *Receiver) string {
	h := sha256.New()
	for _, s := range []string{r.Config.Type, r.Config.URL.Reveal(), r.Config.Secret.Reveal(), r.Config.Keyword} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "hold:" + r.Name + ":" + hex.EncodeToString(h.Sum(nil)[:8])
}

// held reports whether r is held after a refusal of its configuration.
func (d *Deliverer) held(ctx context.Context, r *Receiver) (bool, error) {
	n, err := d.pacer.Remaining(ctx, holdKey(r), d.now(), holdBudget)
	if err != nil {
		return false, fmt.Errorf("receiver %s: read hold: %w", r.Name, err)
	}
	return n == 0, nil
}

// hold holds r for ReceiverHold and returns until when.
func (d *Deliverer) hold(ctx context.Context, r *Receiver) (time.Time, error) {
	until := d.now().Add(cmp.Or(d.ReceiverHold, defaultReceiverHold))
	if err := d.pacer.Pause(ctx, holdKey(r), until); err != nil {
		return time.Time{}, fmt.Errorf("receiver %s: hold: %w", r.Name, err)
	}
	return until, nil
}
