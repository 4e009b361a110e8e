package report

import (
	"fmt"
	"sort"
	"time"
)

// Counts is one number of the report on the report day, the day before and
// the same weekday a week earlier.
type Counts struct {
	Day      int
	PrevDay  int
	LastWeek int
}

// BreakdownRow is one label of a breakdown and its counts.
type BreakdownRow struct {
	Label string
	Counts
}

// Breakdown is the day's leads split by one field (landing page, city, ...).
// Rows are sorted by the day's count, then the day before's, then label;
// the hour breakdown always has the 24 hours in order.
type Breakdown struct {
	Key   string // BreakdownPage, BreakdownCity, ...
	Title string // its heading in the 汇总 sheet: 落地页, 城市, ...
	Rows  []BreakdownRow
}

// DaySummary is the numbers of one report file: what its 汇总 sheet shows.
type DaySummary struct {
	Date     string    // the report day, YYYY-MM-DD in the zone
	From, To time.Time // the collection times counted, [From, To)
	Zone     *time.Location
	Route    string // a per-route file's route; "" for the whole day
	FileName string // cluebot-YYYY-MM-DD[-route].xlsx
	// Compared is false for a range export, which has no comparison days.
	Compared bool
	Total    Counts
	Unrouted Counts // routed, and no route took them
	Waiting  Counts // not routed yet
	// Undecoded counts the day's rows whose raw JSON no longer decodes:
	// they are in 明细, from the store's normalized columns only.
	Undecoded int
	// Breakdowns by page, intention, city, source type, call status, route,
	// delivery status (and date for a range), then hour.
	Breakdowns []Breakdown
}

// Breakdown returns the breakdown with key, or nil.
func (s *DaySummary) Breakdown(key string) *Breakdown {
	for i := range s.Breakdowns {
		if s.Breakdowns[i].Key == key {
			return &s.Breakdowns[i]
		}
	}
	return nil
}

// title heads the 汇总 sheet and names the file in its properties.
func (s *DaySummary) title() string {
	t := "线索日报 " + s.Date
	if !s.Compared {
		t = "线索导出 " + s.span()
	}
	if s.Route != "" {
		t += " · 路由 " + s.Route
	}
	return t
}

// span is the counted collection times, in the zone.
func (s *DaySummary) span() string {
	const layout = "2006-01-02 15:04"
	from, to := "…", "…"
	if !s.From.IsZero() {
		from = s.From.In(s.Zone).Format(layout)
	}
	if !s.To.IsZero() {
		to = s.To.In(s.Zone).Format(layout)
	}
	return from + " – " + to
}

// Row returns the breakdown's row labelled label; zero counts when absent.
func (b *Breakdown) Row(label string) BreakdownRow {
	for _, r := range b.Rows {
		if r.Label == label {
			return r
		}
	}
	return BreakdownRow{Label: label}
}

// summarize turns a file's tallies (day, day before, week before; the last
// two nil for a range) into its summary.
func summarize(t [3]*tally, withDate bool) *DaySummary {
	s := &DaySummary{Compared: t[1] != nil}
	get := func(f func(*tally) int) Counts {
		c := Counts{Day: f(t[0])}
		if s.Compared {
			c.PrevDay, c.LastWeek = f(t[1]), f(t[2])
		}
		return c
	}
	s.Total = get(func(t *tally) int { return t.total })
	s.Unrouted = get(func(t *tally) int { return t.unrouted })
	s.Waiting = get(func(t *tally) int { return t.waiting })
	for i, k := range labelKeys {
		if i == keyDate && !withDate {
			continue
		}
		labels := map[string]bool{}
		for _, d := range t {
			if d != nil {
				for l := range d.by[i] {
					labels[l] = true
				}
			}
		}
		b := Breakdown{Key: k.key, Title: k.title, Rows: make([]BreakdownRow, 0, len(labels))}
		for l := range labels {
			b.Rows = append(b.Rows, BreakdownRow{Label: l, Counts: get(func(t *tally) int { return t.by[i][l] })})
		}
		sortRows(b.Rows, i == keyDate)
		s.Breakdowns = append(s.Breakdowns, b)
	}
	hours := Breakdown{Key: BreakdownHour, Title: "时段", Rows: make([]BreakdownRow, 24)}
	for h := range hours.Rows {
		hours.Rows[h] = BreakdownRow{Label: fmt.Sprintf("%02d:00", h), Counts: get(func(t *tally) int { return t.hours[h] })}
	}
	s.Breakdowns = append(s.Breakdowns, hours)
	return s
}

// sortRows orders rows by the day's count, the day before's, then label;
// dates stay in calendar order.
func sortRows(rows []BreakdownRow, byLabel bool) {
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		switch {
		case byLabel:
		case a.Day != b.Day:
			return a.Day > b.Day
		case a.PrevDay != b.PrevDay:
			return a.PrevDay > b.PrevDay
		case a.LastWeek != b.LastWeek:
			return a.LastWeek > b.LastWeek
		}
		return a.Label < b.Label
	})
}
