package fetch

import (
	"context"
	"sync"
	"time"

	"github.com/cluebot/cluebot/store"
)

// CallCount counts a process's API calls over the last minute, for the
// console's API budget card when no shared budget counts them in the
// store. As a Limiter (added last, after qps and the budget) it never
// waits: it counts each attempt as it is made.
type CallCount struct {
	now    func() time.Time
	mu     sync.Mutex
	secs   [60]int64 // the unix second each bucket counts
	counts [60]int
}

var _ Limiter = (*CallCount)(nil)

// NewCallCount returns a counter on the clock now (nil: time.Now).
func NewCallCount(now func() time.Time) *CallCount {
	if now == nil {
		now = time.Now
	}
	return &CallCount{now: now}
}

// Wait implements Limiter: it counts a call and returns at once.
func (c *CallCount) Wait(context.Context) error {
	s := c.now().Unix()
	i := int(s % 60)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.secs[i] != s {
		c.secs[i], c.counts[i] = s, 0
	}
	c.counts[i]++
	return nil
}

// LastMinute returns the calls counted in the last 60 seconds, this one
// included.
func (c *CallCount) LastMinute() int {
	s := c.now().Unix()
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for i, at := range c.secs {
		if at > s-60 && at <= s {
			n += c.counts[i]
		}
	}
	return n
}

// Used returns how many slots of the budget every instance together took
// in the minute before now.
func (b Budget) Used(ctx context.Context, now time.Time) (int, error) {
	free, err := b.Store.SendSlotsFree(ctx, budgetKey, now, []store.SendLimit{{Max: b.PerMinute, Per: time.Minute}})
	if err != nil {
		return 0, err
	}
	return b.PerMinute - free, nil
}
