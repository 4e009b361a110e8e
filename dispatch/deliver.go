package dispatch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/store"
)

// DelivererStore is what delivery needs of the store.
type DelivererStore interface {
	Clue(ctx context.Context, id string) (store.Clue, error)
	OutboxReceivers(ctx context.Context, now time.Time) ([]string, error)
	ClaimOutbox(ctx context.Context, c store.Claim) ([]store.OutboxItem, error)
	MarkSent(ctx context.Context, ids []int64, at time.Time) error
	MarkRetry(ctx context.Context, ids []int64, next time.Time, reason string) error
	MarkDead(ctx context.Context, ids []int64, reason string) error
	ReleaseOutbox(ctx context.Context, ids []int64) error
}

// Receiver is one configured receiver with its sender.
type Receiver struct {
	Name     string
	Config   notify.ReceiverConfig
	Notifier notify.Notifier
	// MaxDigest is the most leads one digest carries; 0 means 20.
	MaxDigest int
}

// DeliverStats counts what one delivery pass did.
type DeliverStats struct {
	Messages  int              // requests that succeeded
	Delivered int              // alerts in them
	Retried   int              // alerts put back for a later try
	Dead      int              // alerts parked for good
	NextAt    time.Time        // when paced receivers may send again (zero: none waiting)
	Errors    map[string]error // the last failure per receiver
	Sent      map[string]int   // alerts delivered per receiver
	mu        sync.Mutex       // guards the fields above when receivers run in parallel
}

// Deliverer sends due alerts from the outbox.
type Deliverer struct {
	store     DelivererStore
	receivers map[string]*Receiver
	leads     *Leads
	pacer     Pacer
	owner     string
	log       *slog.Logger
	now       func() time.Time
	mu        sync.Mutex
	digest    map[string]int // learned digest size per receiver

	// Lease is how long claimed alerts are reserved for this process.
	Lease time.Duration
	// RetryBackoff is the wait after a failed send, doubled at each further
	// failure up to RetryMax, with jitter; 0 means 15s.
	RetryBackoff time.Duration
	// RetryMax caps the wait before another attempt, a robot's rate-limit
	// penalty included; 0 means 10m.
	RetryMax time.Duration
	// ReceiverHold is how long a receiver whose robot refused its
	// configuration is left alone before a message probes it again, unless
	// its configuration changes first (hold.go); 0 means 30m.
	ReceiverHold time.Duration
	// Sleep waits while paced receivers' budgets free up (Drain); tests
	// replace it to advance a fake clock.
	Sleep func(ctx context.Context, d time.Duration) error
	// OnMessage, when set, is called after each message (metrics).
	OnMessage func(receiver string, alerts int, err error, took time.Duration)
}

// NewDeliverer builds a deliverer. owner names this process in leases.
func NewDeliverer(st DelivererStore, receivers []*Receiver, leads *Leads, pacer Pacer, owner string, logger *slog.Logger, now func() time.Time) *Deliverer {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m := make(map[string]*Receiver, len(receivers))
	for _, r := range receivers {
		m[r.Name] = r
	}
	return &Deliverer{store: st, receivers: m, leads: leads, pacer: pacer, owner: owner,
		log: logger.With("component", "deliver"), now: now, Lease: 2 * time.Minute, Sleep: sleep}
}

// DeliverDue sends what is due now to every receiver, within each one's
// budget, receivers in parallel. Alerts left because of pacing are counted
// in NextAt; failures are recorded in the store and in Errors, so a
// returned error only means the store could not be used.
func (d *Deliverer) DeliverDue(ctx context.Context) (*DeliverStats, error) {
	stats := &DeliverStats{Errors: map[string]error{}, Sent: map[string]int{}}
	names, err := d.store.OutboxReceivers(ctx, d.now())
	if err != nil {
		return stats, fmt.Errorf("list receivers with due alerts: %w", err)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(names))
	for i, name := range names {
		r, ok := d.receivers[name]
		if !ok {
			d.log.Warn("alerts queued for a receiver that is not configured; they stay queued", "receiver", name)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = d.deliverTo(ctx, r, stats)
		}()
	}
	wg.Wait()
	return stats, errors.Join(errs...)
}

// retryDelay is the backoff after a failed attempt: RetryBackoff (15s)
// doubling to RetryMax (10m), with jitter.
func (d *Deliverer) retryDelay(attempts int) time.Duration {
	limit := d.retryMax()
	wait := min(cmp.Or(d.RetryBackoff, 15*time.Second), limit)
	for i := 0; i < attempts && wait < limit; i++ {
		wait = min(wait, limit/2) * 2
	}
	return wait/2 + rand.N(wait/2+1)
}

// retryMax is RetryMax or its default.
func (d *Deliverer) retryMax() time.Duration { return cmp.Or(d.RetryMax, 10*time.Minute) }

func (s *DeliverStats) waitUntil(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !t.IsZero() && (s.NextAt.IsZero() || t.Before(s.NextAt)) {
		s.NextAt = t
	}
}

func (s *DeliverStats) record(receiver string, n int, err error, class string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch class {
	case "sent":
		s.Messages++
		s.Delivered += n
		s.Sent[receiver] += n
	case "retry":
		s.Retried += n
	case "dead":
		s.Dead += n
	}
	if err != nil {
		s.Errors[receiver] = err
	}
}
