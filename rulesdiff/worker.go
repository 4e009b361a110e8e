package rulesdiff

import (
	"math"
	"sort"

	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// batchSize is how many clues the reader hands a worker at once.
const batchSize = 256

// batch is clues copied out of the store's read, with their place in it.
// Its buffers are reused batch after batch.
type batch struct {
	items []item
	raw   []byte // every item's raw JSON, back to back
}

type item struct {
	seq    int64
	c      store.Clue
	rawEnd int // c.Raw is raw[rawStart:rawEnd], set when the batch is full
}

// add copies c into the batch: IterateRoutingRows may reuse c and c.Raw.
func (b *batch) add(seq int64, c *store.Clue) {
	it := item{seq: seq, c: store.Clue{ID: c.ID, AdvertiserID: c.AdvertiserID, CreateTime: c.CreateTime,
		Province: c.Province, City: c.City, Store: c.Store}} // what a routing row holds
	b.raw = append(b.raw, c.Raw...)
	it.rawEnd = len(b.raw)
	b.items = append(b.items, it)
}

// pipeline is the readers' and the workers' channels, with twice as many
// batches as readers and workers in all: the memory a replay holds.
type pipeline struct {
	full, free chan *batch
}

func newPipeline(goroutines int) *pipeline {
	n := 2 * goroutines
	p := &pipeline{full: make(chan *batch, n), free: make(chan *batch, n)}
	for range n {
		p.free <- &batch{items: make([]item, 0, batchSize)}
	}
	return p
}

// worker decodes and routes batches, counting into a result of its own.
type worker struct {
	before, after *route.Rules
	bOpts, aOpts  transform.Options
	sameLead      bool
	answers       bool // either side reads form answers
	limit         int
	res           *Result
	examples      []seqExample
	cutoff        int64 // the latest example kept, once pruned
	bBuf, aBuf    []route.Match
	bSide, aSide  side
	bLead, aLead  transform.Lead // reused: a lead does not escape
}

// seqExample is an example with its place in the read, to keep the
// earliest examples of all workers.
type seqExample struct {
	seq int64
	ex  Example
}

func newWorker(before, after *route.Rules, opts Options, limit int) *worker {
	w := &worker{before: before, after: after, limit: limit, res: newResult(before, after),
		sameLead: before.Fields == after.Fields, cutoff: math.MaxInt64,
		answers: before.ReadsAnswers() || after.ReadsAnswers()}
	w.bOpts = transform.Options{Zone: opts.Zone, AccountNames: opts.AccountNames, Fields: before.Fields}
	w.aOpts = w.bOpts
	w.aOpts.Fields = after.Fields
	return w
}

// run replays one batch and empties it for reuse.
func (w *worker) run(b *batch) {
	start := 0
	for i := range b.items {
		it := &b.items[i]
		it.c.Raw = b.raw[start:it.rawEnd:it.rawEnd]
		start = it.rawEnd
		w.one(it.seq, &it.c)
		it.c = store.Clue{}
	}
	b.items, b.raw = b.items[:0], b.raw[:0]
}

func (w *worker) one(seq int64, c *store.Clue) {
	res := w.res
	res.Leads++
	var err error
	w.bLead, err = transform.RoutedFromStored(c, w.bOpts, w.answers)
	if err != nil {
		res.Undecodable++
		res.Unrouted.Before++
		res.Unrouted.After++
		return
	}
	w.bBuf = w.before.RouteInto(w.bBuf[:0], &w.bLead, c.CreateTime)
	aLead := &w.bLead
	if !w.sameLead {
		// The raw JSON decoded once already: the columns-only lead on an
		// error cannot happen, and would route like the router's.
		w.aLead, _ = transform.RoutedFromStored(c, w.aOpts, w.answers)
		aLead = &w.aLead
	}
	w.aBuf = w.after.RouteInto(w.aBuf[:0], aLead, c.CreateTime)
	w.bSide.set(w.bBuf)
	w.aSide.set(w.aBuf)
	res.count(&w.bSide, &w.aSide)
	if !w.bSide.same(&w.aSide) {
		res.Changed++
		w.keep(seq)
	}
}

// keep adds the lead just replayed to the worker's examples when it may be
// among the earliest limit: batches of several readers come in any order.
// The examples are pruned to the earliest limit as they reach twice that.
func (w *worker) keep(seq int64) {
	if w.limit <= 0 || (len(w.examples) >= w.limit && seq > w.cutoff) {
		return
	}
	w.examples = append(w.examples, seqExample{seq, example(&w.bLead, &w.bSide, &w.aSide)})
	if len(w.examples) >= 2*w.limit {
		sortExamples(w.examples)
		w.examples = w.examples[:w.limit]
		w.cutoff = w.examples[w.limit-1].seq
	}
}

func sortExamples(es []seqExample) {
	sort.Slice(es, func(i, j int) bool { return es[i].seq < es[j].seq })
}

// merge adds the workers' results up and keeps the earliest examples.
func merge(before, after *route.Rules, ws []*worker, limit int) *Result {
	res := newResult(before, after)
	var examples []seqExample
	for _, w := range ws {
		r := w.res
		res.Leads += r.Leads
		res.Changed += r.Changed
		res.Undecodable += r.Undecodable
		res.Unrouted.Before += r.Unrouted.Before
		res.Unrouted.After += r.Unrouted.After
		for k, c := range r.Routes {
			res.Routes[k].Before += c.Before
			res.Routes[k].After += c.After
		}
		for k, c := range r.Receivers {
			res.Receivers[k].Before += c.Before
			res.Receivers[k].After += c.After
		}
		examples = append(examples, w.examples...)
	}
	sortExamples(examples)
	for _, e := range examples[:min(len(examples), max(limit, 0))] {
		res.Examples = append(res.Examples, e.ex)
	}
	return res
}
