package fetch

import (
	"context"
	"time"

	"github.com/cluebot/cluebot/store"
)

// Limiters waits on each limiter in turn.
type Limiters []Limiter

// Wait implements Limiter.
func (ls Limiters) Wait(ctx context.Context) error {
	for _, l := range ls {
		if err := l.Wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

// budgetKey names the API budget's slots in the store's pacing tables.
const budgetKey = "\x01kuaishou-api"

// Budget is the developer app's API budget (kuaishou.calls_per_minute),
// shared through the store: every call of every instance takes one slot of
// a sliding minute, so together they stay under the vendor's limit.
type Budget struct {
	Store     store.Pacing
	PerMinute int
	Now       func() time.Time // nil: time.Now
}

var _ Limiter = Budget{}

// perSecond spreads the minute: at most twice the average rate in any
// second. A sliding minute alone lets a backlog spend the whole budget in
// its first seconds and then starve for the rest; once that happens the
// burst repeats every minute, as the slots free together, and accounts due
// in the starved part wait.
func (b Budget) perSecond() int {
	return max(1, (2*b.PerMinute+59)/60)
}

// Wait takes a slot, sleeping until one frees when the minute is used up.
func (b Budget) Wait(ctx context.Context) error {
	now := b.Now
	if now == nil {
		now = time.Now
	}
	for {
		ok, next, err := b.Store.TakeSendSlot(ctx, budgetKey, now(),
			[]store.SendLimit{{Max: b.PerMinute, Per: time.Minute}, {Max: b.perSecond(), Per: time.Second}})
		if err != nil || ok {
			return err
		}
		wait := max(next.Sub(now()), 10*time.Millisecond)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
