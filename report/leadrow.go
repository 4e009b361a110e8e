package report

import (
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// rowBuilder fills one reused slice with a row's cell values.
type rowBuilder struct {
	cols []column
	vals []any
	ctx  rowCtx
}

func newRowBuilder(cols []column) *rowBuilder {
	return &rowBuilder{cols: cols, vals: make([]any, len(cols))}
}

// build returns the row of l; the slice is reused by the next call.
func (b *rowBuilder) build(l *transform.Lead, c *store.Clue) []any {
	b.ctx = rowCtx{l: l, c: c, account: l.AccountName}
	for i := range b.cols {
		b.vals[i] = b.cols[i].value(&b.ctx)
	}
	return b.vals
}
