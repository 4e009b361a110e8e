package console

import (
	"context"
	"sync"
	"time"
)

// accountCountsTTL is how stale the overview's accounts by status may be.
// Reading every account's activity takes about a second at 10,000 accounts
// and a million clues (BenchmarkAccountStats), five times the overview's
// budget; the accounts page itself reads them fresh.
const accountCountsTTL = 30 * time.Second

// countsCache keeps the overview's accounts by status, refreshed in the
// background once older than accountCountsTTL.
type countsCache struct {
	mu         sync.Mutex
	at         time.Time
	counts     []statusCount
	refreshing bool
}

// accountCounts returns the accounts by status: read at once the first
// time, afterwards the last counts, refreshed behind the request when
// stale, so the overview never waits for the whole account table.
func (c *Console) accountCounts(ctx context.Context) ([]statusCount, error) {
	cc := &c.counts
	cc.mu.Lock()
	if cc.counts != nil {
		if c.clock.Since(cc.at) >= accountCountsTTL && !cc.refreshing {
			cc.refreshing = true
			go c.refreshCounts()
		}
		out := cc.counts
		cc.mu.Unlock()
		return out, nil
	}
	cc.mu.Unlock()
	stats, err := c.accountStats(ctx)
	if err != nil {
		return nil, err
	}
	counts := byStatus(stats)
	cc.mu.Lock()
	cc.counts, cc.at = counts, c.clock.Now()
	cc.mu.Unlock()
	return counts, nil
}

// refreshCounts reads the accounts by status again for the cache.
func (c *Console) refreshCounts() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stats, err := c.accountStats(ctx)
	cc := &c.counts
	cc.mu.Lock()
	defer cc.mu.Unlock()
	cc.refreshing = false
	if err != nil {
		c.log.Warn("console: accounts by status not refreshed", "err", err)
		return
	}
	cc.counts, cc.at = byStatus(stats), c.clock.Now()
}
