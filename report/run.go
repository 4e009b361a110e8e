package report

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/cluebot/cluebot/store"
)

// span is a half-open range of collection times.
type span struct{ from, to time.Time }

func (s span) filter() store.ClueFilter { return store.ClueFilter{From: s.from, To: s.to} }

// dayBounds are the report day and its comparison days, each from midnight
// to midnight in the zone (23 or 25 hours across a daylight-saving change).
type dayBounds struct {
	date            string
	day, prev, week span
}

func boundsOf(day time.Time, zone *time.Location) dayBounds {
	y, m, d := day.In(zone).Date()
	at := func(off int) span {
		return span{time.Date(y, m, d+off, 0, 0, 0, 0, zone), time.Date(y, m, d+off+1, 0, 0, 0, 0, zone)}
	}
	b := dayBounds{day: at(0), prev: at(-1), week: at(-7)}
	b.date = b.day.from.Format(time.DateOnly)
	return b
}

// reportRun writes one day's report: the main book and, split by route,
// one book per route, all in a single pass over the day's clues.
type reportRun struct {
	opts   Options
	zone   *time.Location
	bounds dayBounds
	cols   []column
	main   *book
	routes map[string]*book // nil unless split by route
	names  map[string]bool  // file names taken
	// cmp are the comparison days' tallies by route ("" for the whole day).
	cmp map[string][2]*tally
}

func newReportRun(opts Options, day time.Time) (*reportRun, error) {
	if opts.SplitBy != "" && opts.SplitBy != SplitByRoute {
		return nil, fmt.Errorf("report: split by %q: only %q is supported", opts.SplitBy, SplitByRoute)
	}
	zone := opts.zone()
	r := &reportRun{opts: opts, zone: zone, bounds: boundsOf(day, zone), cols: detailColumns(opts.FormColumns),
		names: map[string]bool{}}
	if opts.SplitBy == SplitByRoute {
		r.routes = map[string]*book{}
	}
	var err error
	r.main, err = r.newBook("")
	return r, err
}

// newBook starts the file of route ("" for the main file).
func (r *reportRun) newBook(route string) (*book, error) {
	name := FileName(r.bounds.day.from, r.zone)
	base := strings.TrimSuffix(name, ".xlsx")
	if route != "" {
		base += "-" + fileSafe(route)
		name = base + ".xlsx"
	}
	for i := 2; r.names[name]; i++ {
		name = fmt.Sprintf("%s-%d.xlsx", base, i)
	}
	r.names[name] = true
	b, err := newBook(name, route, &r.opts, r.cols, true)
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", r.bounds.date, err)
	}
	return b, nil
}

// collect writes the day's rows, counts the comparison days (meanwhile, in
// a goroutine of its own), and finishes every book (明细 closed, 汇总 and
// charts written).
func (r *reportRun) collect(ctx context.Context, src Source) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmp := make(chan error, 1)
	split := r.routes != nil
	go func() { cmp <- r.compare(ctx, src, split) }()
	err := streamRows(ctx, src, r.bounds.day.filter(), newRowMaker(&r.opts, r.cols, false), func(row *readyRow) error {
		if err := r.main.add(row.vals, &row.keys, row.ok); err != nil {
			return err
		}
		return r.addRoutes(row.keys.routes, row)
	})
	if err != nil {
		cancel()
		<-cmp
		return fmt.Errorf("report %s: %w", r.bounds.date, err)
	}
	if err := <-cmp; err != nil {
		return err
	}
	now := r.opts.now()
	for _, b := range r.books() {
		prev, ok := r.cmp[b.route]
		if !ok {
			prev = [2]*tally{newTally(), newTally()}
		}
		b.tallies[1], b.tallies[2] = prev[0], prev[1]
		s := summarize(b.tallies, false)
		s.Date, s.From, s.To, s.Zone = r.bounds.date, r.bounds.day.from, r.bounds.day.to, r.zone
		if err := b.finish(s, now); err != nil {
			return fmt.Errorf("report %s: %w", b.name, err)
		}
	}
	return r.followup(ctx, src)
}

// followup adds the 跟进 sheet to the main file when routes ask for a
// follow-up and src can tell who followed up what.
func (r *reportRun) followup(ctx context.Context, src Source) error {
	fs, ok := src.(FollowupSource)
	if len(r.opts.Followup) == 0 || !ok {
		return nil
	}
	rows, err := followupRows(ctx, fs, r.bounds.day.filter(), r.opts.Followup)
	if err != nil {
		return fmt.Errorf("report %s: %w", r.bounds.date, err)
	}
	if err := writeFollowupSheet(r.main.f, rows); err != nil {
		return fmt.Errorf("report %s: sheet %s: %w", r.main.name, followupSheetName, err)
	}
	return nil
}

// compare tallies the day before and the week before from the store's
// counts (GROUP BY: no clue of those days is read), for the whole day ("")
// and, split by route, by route.
func (r *reportRun) compare(ctx context.Context, src Source, split bool) error {
	r.cmp = map[string][2]*tally{"": {newTally(), newTally()}}
	for i, s := range []span{r.bounds.prev, r.bounds.week} {
		groups, err := src.CountClueGroups(ctx, s.filter(), store.Groupings...)
		if err != nil {
			return fmt.Errorf("report %s: compare with %s: %w", r.bounds.date, s.from.Format(time.DateOnly), err)
		}
		for j := range groups {
			g := &groups[j]
			r.cmp[""][i].addGroup(g, r.zone)
			for k, name := range g.Routes {
				if !split || repeated(g.Routes, k) {
					continue
				}
				t, ok := r.cmp[name]
				if !ok {
					t = [2]*tally{newTally(), newTally()}
					r.cmp[name] = t
				}
				t[i].addGroup(g, r.zone)
			}
		}
	}
	return nil
}

// addRoutes adds a row to the book of each of its routes, split by route.
func (r *reportRun) addRoutes(routes []string, row *readyRow) error {
	if r.routes == nil {
		return nil
	}
	for i, name := range routes {
		if repeated(routes, i) {
			continue
		}
		b := r.routes[name]
		if b == nil {
			var err error
			if b, err = r.newBook(name); err != nil {
				return err
			}
			r.routes[name] = b
		}
		if err := b.add(row.vals, &row.keys, row.ok); err != nil {
			return err
		}
	}
	return nil
}

// books returns the main book, then the route books by route name.
func (r *reportRun) books() []*book {
	out := []*book{r.main}
	names := make([]string, 0, len(r.routes))
	for n := range r.routes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		out = append(out, r.routes[n])
	}
	return out
}

// close removes every book's spill files.
func (r *reportRun) close() {
	for _, b := range r.books() {
		if b != nil {
			_ = b.close()
		}
	}
}

// fileSafe makes a route name usable in a file name: letters, digits, - _
// and . are kept, anything else becomes _.
func fileSafe(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, s)
	if s = strings.Trim(s, "."); s == "" {
		return "_"
	}
	return s
}
