package dispatch

import (
	"context"
	"errors"
	"fmt"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/store"
)

const defaultMaxDigest = 20

func startDigest(r *Receiver) int {
	if r.MaxDigest > 0 {
		return r.MaxDigest
	}
	return defaultMaxDigest
}

// digestSize is the digest size to start with for r: the platform's, or
// what the last pass learned (grown on a backlog, halved on too large).
func (d *Deliverer) digestSize(r *Receiver) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	if n, ok := d.digest[r.Name]; ok {
		return n
	}
	return startDigest(r)
}

func (d *Deliverer) setDigestSize(r *Receiver, n int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.digest == nil {
		d.digest = map[string]int{}
	}
	d.digest[r.Name] = n
}

// deliverTo sends receiver r's due alerts while its budget lasts. A small
// queue goes out as single alerts, which show the whole form; when a full
// batch waits, or more than half the budget's slots would go on it, they go
// out as digests (the other half stays for the leads still coming), so a burst of hundreds of
// leads arrives within minutes without exceeding the robot's rate limit.
func (d *Deliverer) deliverTo(ctx context.Context, r *Receiver, stats *DeliverStats) error {
	if held, err := d.held(ctx, r); err != nil || held {
		if held {
			d.log.Debug("receiver held after its robot refused its configuration; alerts stay queued", "receiver", r.Name)
			stats.record(r.Name, 0, ErrHeld, "held")
		}
		return err
	}
	budget := BudgetFor(&r.Config)
	limit := d.digestSize(r)
	defer func() { d.setDigestSize(r, limit) }()
	for ctx.Err() == nil {
		now := d.now()
		slots, err := d.pacer.Remaining(ctx, r.Name, now, budget)
		if err != nil {
			return fmt.Errorf("receiver %s: pacing: %w", r.Name, err)
		}
		if slots <= 0 {
			_, next, err := d.pacer.Reserve(ctx, r.Name, now, budget)
			if err != nil {
				return fmt.Errorf("receiver %s: pacing: %w", r.Name, err)
			}
			stats.waitUntil(next)
			return nil
		}
		items, err := d.store.ClaimOutbox(ctx, store.Claim{Receiver: r.Name, Owner: d.owner, Now: now, Lease: d.Lease, Limit: limit})
		if err != nil {
			return fmt.Errorf("receiver %s: claim alerts: %w", r.Name, err)
		}
		if len(items) == 0 {
			return nil
		}
		if rest := otherKinds(items); len(rest) > 0 {
			// A message is of one kind: the rows of other kinds (and any
			// reminder after the first, as a reminder is of one lead) wait
			// for the next turn of the loop. Escalations go out as one
			// digest of the overdue leads, however short the queue.
			if err := d.store.ReleaseOutbox(context.WithoutCancel(ctx), ids(rest)); err != nil {
				return fmt.Errorf("receiver %s: release alerts: %w", r.Name, err)
			}
			items = items[:len(items)-len(rest)]
		}
		if len(items) > 1 && len(items) < limit && len(items) <= slots/2 && items[0].Kind != store.KindEscalation {
			// A short queue goes out one alert per message. Only the alert
			// being sent stays leased: the lease then covers one send, and a
			// crash holds back that one message until the lease ends, not
			// the whole batch. The next turn of the loop claims the next.
			if err := d.store.ReleaseOutbox(context.WithoutCancel(ctx), ids(items[1:])); err != nil {
				return fmt.Errorf("receiver %s: release alerts: %w", r.Name, err)
			}
			items = items[:1]
		}
		msg, err := d.message(ctx, r, items, stats)
		if err != nil {
			return err
		}
		if len(msg.Alerts) == 0 {
			continue
		}
		// The slot is taken once the message is ready, just before it goes:
		// the robot counts it when it arrives, and reading a digest's
		// leads takes a while.
		ok, next, err := d.pacer.Reserve(ctx, r.Name, d.now(), budget)
		if err == nil && !ok {
			stats.waitUntil(next)
		}
		if err != nil || !ok {
			if rerr := d.store.ReleaseOutbox(context.WithoutCancel(ctx), alertIDs(msg)); rerr != nil {
				return errors.Join(err, rerr)
			}
			return err
		}
		if stop, err := d.send(ctx, r, msg, maxAttempts(items), stats, &limit); err != nil || stop {
			return err
		}
	}
	return nil
}

func ids(items []store.OutboxItem) []int64 {
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

// send delivers msg and records its outcome in the store. Store errors are
// returned; send failures are recorded, not returned. stop says the robot
// refused the receiver's configuration: r is now held (hold.go) and nothing
// more is sent to it.
func (d *Deliverer) send(ctx context.Context, r *Receiver, msg *notify.Message, attempts int, stats *DeliverStats, limit *int) (stop bool, _ error) {
	bg := context.WithoutCancel(ctx) // outcomes are recorded even while stopping
	sent := alertIDs(msg)
	start := d.now()
	_, err := r.Notifier.Notify(ctx, msg)
	if d.OnMessage != nil {
		d.OnMessage(r.Name, len(sent), err, d.now().Sub(start))
	}
	log := d.log.With("receiver", r.Name, "alerts", len(sent))
	if err == nil {
		log.Debug("alert sent")
		stats.record(r.Name, len(sent), nil, "sent")
		if len(sent) > 1 && len(sent) >= *limit {
			// A full digest fitted: a backlog is waiting, so try larger
			// digests (up to 5x the platform's start size) while they fit.
			*limit = min(*limit*3/2+1, 5*startDigest(r))
		}
		return false, d.store.MarkSent(bg, sent, d.now())
	}
	if notify.ReceiverRefused(err) {
		// Every message to r would be refused alike: the refused one is
		// parked, as any permanent refusal (an operator requeues it with
		// retry-dead once the receiver is fixed), and r is held, so its
		// other alerts stay queued, untried, instead of being parked one
		// request each against the robot's rate limit.
		until, herr := d.hold(bg, r)
		if herr != nil {
			return true, herr
		}
		log.Error("robot refused the receiver's configuration; alert parked, receiver held, its other alerts stay queued until the configuration is fixed",
			"err", err, "held_until", until)
		stats.record(r.Name, len(sent), err, "dead")
		return true, d.store.MarkDead(bg, sent, err.Error())
	}
	switch notify.ClassOf(err) {
	case notify.TooLarge:
		if len(sent) > 1 {
			*limit = max(1, len(sent)/2)
			log.Info("digest too large for the robot; sending it in smaller parts", "err", err)
			return false, d.store.ReleaseOutbox(bg, sent)
		}
		log.Error("alert too large for the robot even alone; parked", "err", err)
		stats.record(r.Name, len(sent), err, "dead")
		return false, d.store.MarkDead(bg, sent, err.Error())
	case notify.Permanent:
		log.Error("alert refused for good; parked until an operator acts", "err", err)
		stats.record(r.Name, len(sent), err, "dead")
		return false, d.store.MarkDead(bg, sent, err.Error())
	}
	next, err2 := d.penalize(bg, r.Name, err)
	if err2 != nil {
		return false, err2
	}
	if next.IsZero() {
		next = d.now().Add(d.retryDelay(attempts))
	}
	log.Warn("alert not delivered; it stays queued", "err", err, "retry_at", next)
	stats.record(r.Name, len(sent), err, "retry")
	return false, d.store.MarkRetry(bg, sent, next, err.Error())
}

// alertIDs are the outbox rows of msg's alerts.
func alertIDs(msg *notify.Message) []int64 {
	out := make([]int64, len(msg.Alerts))
	for i, a := range msg.Alerts {
		out[i] = a.OutboxID
	}
	return out
}

func maxAttempts(items []store.OutboxItem) int {
	n := 0
	for _, it := range items {
		n = max(n, it.Attempts)
	}
	return n
}

// message builds the message for claimed items; the items whose clue cannot
// be read are parked.
func (d *Deliverer) message(ctx context.Context, r *Receiver, items []store.OutboxItem, stats *DeliverStats) (*notify.Message, error) {
	msg := &notify.Message{Receiver: r.Name}
	rules := d.leads.Rules.Load()
	if k := items[0].Kind; k == store.KindReminder || k == store.KindEscalation {
		msg.Followup = &notify.Followup{Kind: k, Late: late(rules, &items[0])}
	}
	var bad []store.OutboxItem
	for _, it := range items {
		c, err := d.store.Clue(ctx, it.ClueID)
		var lead = notify.Alert{Route: it.Route, OutboxID: it.ID}
		if err == nil {
			lead.FirstSeen = c.FirstSeen
			lead.Lead, err = d.leads.Lead(&c)
		}
		if err != nil {
			d.log.Error("queued alert's lead cannot be read", "clue_id", it.ClueID, "err", err)
			bad = append(bad, it)
			continue
		}
		if rules != nil {
			if rt := rules.ByName(it.Route); rt != nil {
				lead.Assignee = member(rt, it.Assignee)
				if len(items) == 1 && msg.Followup == nil {
					msg.Template = rt.Template
				}
			}
		}
		msg.Alerts = append(msg.Alerts, lead)
	}
	if len(bad) > 0 {
		if err := d.store.MarkDead(context.WithoutCancel(ctx), ids(bad), "lead cannot be read from the store"); err != nil {
			return nil, err
		}
		stats.record(r.Name, len(bad), nil, "dead")
	}
	return msg, nil
}

// member finds the assigned member by name in the route's rotation.
func member(rt *route.Route, name string) *route.Member {
	if name == "" {
		return nil
	}
	for i := range rt.Mention.RoundRobin {
		if rt.Mention.RoundRobin[i].Name == name {
			m := rt.Mention.RoundRobin[i]
			return &m
		}
	}
	return &route.Member{Name: name}
}
