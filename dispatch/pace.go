package dispatch

import (
	"context"
	"sync"
	"time"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/store"
)

// Budget is how many messages a receiver may be sent: per minute and per
// second, zero meaning no limit of that kind.
type Budget struct {
	PerMinute int
	PerSecond int
}

// BudgetFor returns a receiver's budget: its configured per_minute and
// per_second, else the platform's limits with a margin (DingTalk and WeCom
// allow 20 a minute, Feishu 5 a second and 100 a minute).
func BudgetFor(cfg *notify.ReceiverConfig) Budget {
	b := Budget{PerMinute: cfg.PerMinute, PerSecond: cfg.PerSecond}
	if b.PerMinute == 0 && b.PerSecond == 0 {
		switch cfg.Type {
		case notify.TypeDingTalk, notify.TypeWeCom:
			b.PerMinute = 19
		case notify.TypeFeishu:
			b.PerMinute, b.PerSecond = 95, 4
		default:
			b.PerSecond = 20
		}
	}
	return b
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

// window is a little longer than a minute, so a message that reached the
// robot late still counts in the robot's minute.
const window = time.Minute + time.Second

// MemoryPacer is a Pacer for one process: a sliding log of send times per
// receiver. The zero value is ready to use.
type MemoryPacer struct {
	mu     sync.Mutex
	sent   map[string][]time.Time
	paused map[string]time.Time
}

var _ Pacer = (*MemoryPacer)(nil)

func (p *MemoryPacer) prune(receiver string, now time.Time) []time.Time {
	if p.sent == nil {
		p.sent, p.paused = map[string][]time.Time{}, map[string]time.Time{}
	}
	log := p.sent[receiver]
	i := 0
	for i < len(log) && !log[i].After(now.Add(-window)) {
		i++
	}
	log = log[i:]
	p.sent[receiver] = log
	return log
}

// free computes the free slots and, when none, when the next one frees.
func free(log []time.Time, now time.Time, b Budget) (int, time.Time) {
	n, next := 1<<30, time.Time{}
	if b.PerMinute > 0 {
		n = b.PerMinute - len(log)
		if n <= 0 {
			next = log[len(log)-b.PerMinute].Add(window)
		}
	}
	if b.PerSecond > 0 {
		inSecond := 0
		for i := len(log) - 1; i >= 0 && log[i].After(now.Add(-time.Second)); i-- {
			inSecond++
		}
		if s := b.PerSecond - inSecond; s < n {
			n = s
			if s <= 0 {
				if t := log[len(log)-b.PerSecond].Add(time.Second); t.After(next) {
					next = t
				}
			}
		}
	}
	return max(n, 0), next
}

// Reserve implements Pacer.
func (p *MemoryPacer) Reserve(_ context.Context, receiver string, now time.Time, b Budget) (bool, time.Time, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	log := p.prune(receiver, now)
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
	log := p.prune(receiver, now)
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
	return p.Store.TakeSendSlot(ctx, receiver, now, b.PerMinute, b.PerSecond, window)
}

// Remaining implements Pacer.
func (p StorePacer) Remaining(ctx context.Context, receiver string, now time.Time, b Budget) (int, error) {
	return p.Store.SendSlotsFree(ctx, receiver, now, b.PerMinute, b.PerSecond, window)
}

// Pause implements Pacer.
func (p StorePacer) Pause(ctx context.Context, receiver string, until time.Time) error {
	return p.Store.PauseReceiver(ctx, receiver, until)
}
