// Package rulesdiff is how rules change safely: it replays the leads
// already stored through the rules in force and through candidate rules
// and says what would go elsewhere, keeps every version of the rules in the
// store and decides which one is in force, and serves the console's rules
// API on top of both.
package rulesdiff

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// DefaultExamples is how many leads that move a replay lists by default.
const DefaultExamples = 20

// Iterator is the store's streaming read of the columns leads are routed
// by.
type Iterator interface {
	IterateRoutingRows(ctx context.Context, f store.ClueFilter, fn func(c *store.Clue) error) error
}

// Options configures a replay.
type Options struct {
	// Zone is the configured time zone, for the leads' times.
	Zone *time.Location
	// AccountNames names the configured accounts.
	AccountNames map[int64]string
	// Examples caps the leads that move listed in the result: 0 means
	// DefaultExamples, a negative number none.
	Examples int
	// Readers is how many parts of a window bounded at both ends are read
	// from the store at once, each on a connection of its own: 0 means one
	// for every two CPUs, at most MaxReaders.
	Readers int
}

// Replay routes every clue f selects, streamed from st, with before (the
// rules in force) and with after (the candidate) and counts what differs.
// Each clue becomes a lead by transform.RoutedFromStored (FromStored's
// path, decoding only what routing reads) with each side's field mapping,
// and its create_time decides the routes' active windows.
// Round-robin turns are neither taken nor compared: routing alone does not
// touch them. A clue whose raw JSON no longer decodes is unrouted on both
// sides, as the router would leave it, and counted in Undecodable.
//
// The read streams: readers (see Options.Readers), each over a part of the
// window, read the store while workers, one a CPU, decode and route
// batches of clues, so memory holds a few batches whatever the window.
func Replay(ctx context.Context, st Iterator, before, after *route.Rules, f store.ClueFilter, opts Options) (*Result, error) {
	if before == nil || after == nil {
		return nil, fmt.Errorf("replay: both rule sets are needed")
	}
	limit := opts.Examples
	if limit == 0 {
		limit = DefaultExamples
	}
	n := runtime.GOMAXPROCS(0)
	parts := split(f, readers(opts))
	p := newPipeline(n + len(parts))
	ws := make([]*worker, n)
	var wg sync.WaitGroup
	for i := range ws {
		ws[i] = newWorker(before, after, opts, limit)
		wg.Add(1)
		go func(w *worker) {
			defer wg.Done()
			for b := range p.full {
				w.run(b)
				p.free <- b
			}
		}(ws[i])
	}
	err := read(ctx, st, parts, p)
	close(p.full)
	wg.Wait()
	if err != nil {
		return nil, fmt.Errorf("replay stored leads: %w", err)
	}
	return merge(before, after, ws, limit), nil
}

// side is where one lead goes under one rule set: its routes in order and
// its receivers, each once, sorted. Its slices are reused lead after lead.
type side struct {
	routes    []string
	receivers []string
}

func (s *side) set(ms []route.Match) {
	s.routes, s.receivers = s.routes[:0], s.receivers[:0]
	for _, m := range ms {
		s.routes = append(s.routes, m.Route.Name)
		s.receivers = append(s.receivers, m.Route.Receivers...)
	}
	slices.Sort(s.receivers)
	s.receivers = slices.Compact(s.receivers)
}

// same reports whether both sides have the same set of routes and of
// receivers. Route names are unique in a rules file, and the order of the
// routes a lead takes follows the file, so sets compare sorted.
func (s *side) same(o *side) bool {
	if !slices.Equal(s.receivers, o.receivers) || len(s.routes) != len(o.routes) {
		return false
	}
	for _, r := range s.routes {
		if !slices.Contains(o.routes, r) {
			return false
		}
	}
	return true
}

// example is a lead that moves, as the console may show it to anyone: the
// phone masked as alerts mask it. The lead's strings may refer to a batch's
// memory, which is reused: they are copied.
func example(l *transform.Lead, b, a *side) Example {
	return Example{ID: strings.Clone(l.ID), UserName: strings.Clone(l.UserName),
		Phone:  strings.Clone(transform.Mask(l.Phone)),
		Before: append([]string{}, b.routes...), After: append([]string{}, a.routes...)}
}
