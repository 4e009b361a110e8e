package report

import (
	"context"
	"slices"
	"time"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// batchRows is how many rows the reading goroutine hands over at a time.
const batchRows = 256

// readyRow is one clue made ready for the books: its cell values, its
// breakdown labels and whether its raw JSON decoded.
type readyRow struct {
	vals []any
	keys keys
	ok   bool
}

// rowMaker turns stored clues into rows: decode, label, mask, fill cells.
type rowMaker struct {
	topts    transform.Options
	zone     *time.Location
	mask     bool
	withDate bool
	builder  *rowBuilder
}

func newRowMaker(opts *Options, cols []column, withDate bool) *rowMaker {
	zone := opts.zone()
	return &rowMaker{topts: opts.leadOptions(), zone: zone, mask: opts.MaskPhone, withDate: withDate, builder: newRowBuilder(cols)}
}

// make fills out from c. out keeps nothing of c: the store reuses it.
func (m *rowMaker) make(c *store.Clue, out *readyRow) {
	// A report neither stops at nor skips a row whose raw JSON no longer
	// decodes: it shows the row's stored columns, and counts it as such.
	l, err := transform.FromStored(c, m.topts)
	out.keys = leadKeys(&l, c, m.zone, m.withDate)
	out.keys.routes = slices.Clone(c.Routes)
	out.ok = err == nil
	if m.mask {
		l = l.Masked()
	}
	copy(out.vals, m.builder.build(&l, c))
}

func (m *rowMaker) newBatch() []readyRow {
	n := len(m.builder.cols)
	vals := make([]any, batchRows*n)
	batch := make([]readyRow, batchRows)
	for i := range batch {
		batch[i].vals = vals[i*n : (i+1)*n : (i+1)*n]
	}
	return batch
}

// streamRows reads the clues matching f in a goroutine of its own, which
// decodes them into rows, and hands the rows in order to write in the
// calling goroutine: decoding overlaps with excelize's writing, the slower
// half. The first error of either side stops both.
func streamRows(ctx context.Context, src Clues, f store.ClueFilter, m *rowMaker, write func(r *readyRow) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []readyRow, 4)
	done := make(chan error, 1)
	go func() {
		defer close(batches)
		batch, n := m.newBatch(), 0
		send := func(b []readyRow) error {
			select {
			case batches <- b:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		err := src.IterateClues(ctx, f, func(c *store.Clue) error {
			m.make(c, &batch[n])
			if n++; n < len(batch) {
				return nil
			}
			b := batch
			batch, n = m.newBatch(), 0
			return send(b)
		})
		if err == nil && n > 0 {
			err = send(batch[:n])
		}
		done <- err
	}()
	var werr error
	for batch := range batches {
		for i := 0; i < len(batch) && werr == nil; i++ {
			if werr = write(&batch[i]); werr != nil {
				cancel()
			}
		}
	}
	if rerr := <-done; werr == nil {
		return rerr
	}
	return werr
}
