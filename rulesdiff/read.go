package rulesdiff

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"time"

	"github.com/cluebot/cluebot/store"
)

// MaxReaders caps the store reads a replay runs at once by default: each
// holds a connection of the store's pool for the whole replay.
const MaxReaders = 4

// readers is how many parts a replay reads at once: decoding a lead costs
// about what reading it does, so one reader for every two CPUs.
func readers(opts Options) int {
	if opts.Readers > 0 {
		return opts.Readers
	}
	return min(max(1, runtime.GOMAXPROCS(0)/2), MaxReaders)
}

// split cuts f's window into n parts of equal length, in order. The parts
// meet on whole milliseconds, the stores' precision, so that no clue is in
// two parts or none. A window open at either end is one part.
func split(f store.ClueFilter, n int) []store.ClueFilter {
	if n <= 1 || f.From.IsZero() || f.To.IsZero() || !f.To.After(f.From) {
		return []store.ClueFilter{f}
	}
	from := f.From.Truncate(time.Millisecond)
	step := (f.To.Sub(from) / time.Duration(n)).Truncate(time.Millisecond)
	if step <= 0 {
		return []store.ClueFilter{f}
	}
	parts := make([]store.ClueFilter, n)
	for i := range parts {
		parts[i] = f
		if i > 0 {
			parts[i].From = from.Add(time.Duration(i) * step)
		}
		if i < n-1 {
			parts[i].To = from.Add(time.Duration(i+1) * step)
		}
	}
	return parts
}

// partShift places a part's clues after every clue of the parts before it
// in the read order examples are kept by.
const partShift = 40

// read streams every part into p at once and returns the first failure,
// which stops the other reads.
func read(ctx context.Context, st Iterator, parts []store.ClueFilter, p *pipeline) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, f := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seq := int64(i) << partShift
			b := <-p.free
			err := st.IterateRoutingRows(ctx, f, func(c *store.Clue) error {
				b.add(seq, c)
				seq++
				if len(b.items) == batchSize {
					p.full <- b
					b = <-p.free
				}
				return nil
			})
			p.full <- b
			if err != nil {
				errs[i] = err
				cancel()
			}
		}()
	}
	wg.Wait()
	// The failure that stopped the others, not their cancellation.
	var first error
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
		if first == nil {
			first = err
		}
	}
	return first
}
