package dispatch

import (
	"context"
	"sync"
	"time"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/store"
)

// Budget is how many messages a receiver's robot may receive, as the robot
// counts them when they arrive: per minute and per second, zero meaning no
// limit of that kind.
type Budget struct {
	PerMinute int
	PerSecond int
}

// defaultBudget is the budget of a receiver whose platform declares none.
var defaultBudget = Budget{PerSecond: 20}

// BudgetFor returns a receiver's budget: its configured per_minute and
// per_second, else its platform's (notify.Limits: each platform declares
// a little less than its robots take), else 20 a second.
func BudgetFor(cfg *notify.ReceiverConfig) Budget {
	b := Budget{PerMinute: cfg.PerMinute, PerSecond: cfg.PerSecond}
	if b == (Budget{}) {
		p, _ := receiver.Platforms().Lookup(cfg.Type)
		b = Budget{PerMinute: p.Limits.PerMinute, PerSecond: p.Limits.PerSecond}
	}
	if b == (Budget{}) {
		b = defaultBudget
	}
	return b
}

// A robot counts a message when the request arrives, a varying delay after
// its slot was taken (latency, a new TLS connection, the clocks of several
// instances): slots taken a window apart can arrive closer than that, and
// one more message than the robot takes then falls within its window. So
// each window is counted longer than the robot's by a margin: n slots in
// any window+margin arrive as at most n in any window as long as arrivals
// vary by less than the margin, however the slots bunch. The margin sits
// in the window and not in n, because a smaller n does not help: with 4 a
// second, two bunches of 4 a second apart still put 6 within a second of
// arrival when the second bunch is quicker on the wire.
const (
	minuteWindow = time.Minute + time.Second
	secondWindow = time.Second + 500*time.Millisecond
)

// Limits are the windows the pacer counts b's slots in.
func (b Budget) Limits() []store.SendLimit {
	var out []store.SendLimit
	if b.PerMinute > 0 {
		out = append(out, store.SendLimit{Max: b.PerMinute, Per: minuteWindow})
	}
	if b.PerSecond > 0 {
		out = append(out, store.SendLimit{Max: b.PerSecond, Per: secondWindow})
	}
	return out
}

// Pacer hands out send slots per receiver within its budget. A store-backed
// Pacer shares the budget between every instance sending to a robot.
type Pacer interface {
	// Reserve takes a slot for receiver at now if the budget allows one; else
	// it returns when the next slot frees.
	Reserve(ctx context.Context, receiver string, now time.Time, b Budget) (ok bool, next time.Time, err error)
	// Remaining is how many slots are free at now.
	Remaining(ctx context.Context, receiver string, now time.Time, b Budget) (int, error)
	// Pause refuses every slot of receiver until the given time (a robot's
	// rate-limit penalty).
	Pause(ctx context.Context, receiver string, until time.Time) error
}

// MemoryPacer is a Pacer for one process: a sliding log of send times per
// receiver. The zero value is ready to use.
type MemoryPacer struct {
	mu     sync.Mutex
	sent   map[string][]time.Time
	paused map[string]time.Time
}

var _ Pacer = (*MemoryPacer)(nil)

// prune drops the sends of receiver that no window of b counts at now.
func (p *MemoryPacer) prune(receiver string, now time.Time, b Budget) []time.Time {
	if p.sent == nil {
		p.sent, p.paused = map[string][]time.Time{}, map[string]time.Time{}
	}
	log := p.sent[receiver]
	i := 0
	for i < len(log) && !log[i].After(now.Add(-store.Longest(b.Limits()))) {
		i++
	}
	log = log[i:]
	p.sent[receiver] = log
	return log
}

// free computes the free slots and, when none, when the next one frees: as
// the stores do, the least room of the limits.
func free(log []time.Time, now time.Time, b Budget) (int, time.Time) {
	n, next := 1<<30, time.Time{}
	for _, lim := range b.Limits() {
		in := 0
		for i := len(log) - 1; i >= 0 && log[i].After(now.Add(-lim.Per)); i-- {
			in++
		}
		n = min(n, lim.Max-in)
		if in >= lim.Max {
			// The oldest of the last Max sends frees its slot when it leaves the window.
			if t := log[len(log)-lim.Max].Add(lim.Per); t.After(next) {
				next = t
			}
		}
	}
	return max(n, 0), next
}

// Reserve implements Pacer.
func (p *MemoryPacer) Reserve(_ context.Context, receiver string, now time.Time, b Budget) (bool, time.Time, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	log := p.prune(receiver, now, b)
	if until := p.paused[receiver]; now.Before(until) {
		return false, until, nil
	}
	n, next := free(log, now, b)
	if n <= 0 {
		return false, next, nil
	}
	p.sent[receiver] = append(log, now)
	return true, time.Time{}, nil
}

// Remaining implements Pacer.
func (p *MemoryPacer) Remaining(_ context.Context, receiver string, now time.Time, b Budget) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	log := p.prune(receiver, now, b)
	if now.Before(p.paused[receiver]) {
		return 0, nil
	}
	n, _ := free(log, now, b)
	return n, nil
}

// Pause implements Pacer.
func (p *MemoryPacer) Pause(_ context.Context, receiver string, until time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paused == nil {
		p.sent, p.paused = map[string][]time.Time{}, map[string]time.Time{}
	}
	if until.After(p.paused[receiver]) {
		p.paused[receiver] = until
	}
	return nil
}

// StorePacer is a Pacer kept in the store, so every instance sending to a
// robot shares its budget and its rate-limit pauses.
type StorePacer struct {
	Store store.Pacing
}

var _ Pacer = StorePacer{}

// Reserve implements Pacer.
func (p StorePacer) Reserve(ctx context.Context, receiver string, now time.Time, b Budget) (bool, time.Time, error) {
	return p.Store.TakeSendSlot(ctx, receiver, now, b.Limits())
}

// Remaining implements Pacer.
func (p StorePacer) Remaining(ctx context.Context, receiver string, now time.Time, b Budget) (int, error) {
	return p.Store.SendSlotsFree(ctx, receiver, now, b.Limits())
}

// Pause implements Pacer.
func (p StorePacer) Pause(ctx context.Context, receiver string, until time.Time) error {
	return p.Store.PauseReceiver(ctx, receiver, until)
}
