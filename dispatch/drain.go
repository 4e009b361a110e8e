package dispatch

import (
	"context"
	"errors"
	"time"
)

// DrainStats sums the delivery passes of a Drain.
type DrainStats struct {
	Passes    int
	Messages  int
	Delivered int
	Retried   int
	Dead      int
	Sent      map[string]int
	Errors    map[string]error
}

// Drain delivers everything that is due, waiting for paced receivers'
// budgets to free up, until nothing due is left (alerts put back for a later
// retry are left for later). It stops early when ctx ends.
func (d *Deliverer) Drain(ctx context.Context) (DrainStats, error) {
	total := DrainStats{Sent: map[string]int{}, Errors: map[string]error{}}
	for {
		s, err := d.DeliverDue(ctx)
		total.Passes++
		total.Messages += s.Messages
		total.Delivered += s.Delivered
		total.Retried += s.Retried
		total.Dead += s.Dead
		for k, v := range s.Sent {
			total.Sent[k] += v
		}
		for k, v := range s.Errors {
			if _, ok := total.Errors[k]; ok && errors.Is(v, ErrHeld) {
				continue // keep the refusal that caused the hold
			}
			total.Errors[k] = v
		}
		if err != nil {
			return total, err
		}
		if s.NextAt.IsZero() {
			if s.Messages == 0 && s.Retried == 0 && s.Dead == 0 {
				return total, nil
			}
			continue // something happened: look again for what is still due
		}
		if wait := s.NextAt.Sub(d.now()); wait > 0 {
			if err := d.Sleep(ctx, wait); err != nil {
				return total, err
			}
		}
	}
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
