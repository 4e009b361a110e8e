package route

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// clock is a moment as active windows read it: the weekday bit its date
// counts as (0 on a holiday), that of the day before, for windows that run
// overnight, and the minute of the day.
type clock struct {
	today, yesterday uint8
	minute           int
}

func clockAt(t time.Time, zone *time.Location, cal *Calendar) clock {
	if cal == nil { // the common case, as cheap as before calendars
		lt := t.In(orVendor(zone))
		wd := lt.Weekday()
		return clock{today: 1 << wd, yesterday: 1 << ((wd + 6) % 7), minute: lt.Hour()*60 + lt.Minute()}
	}
	day, secs := localDay(t, zone)
	wd := civilWeekday(day)
	return clock{today: cal.dayBits(day, wd), yesterday: cal.dayBits(day-1, (wd+6)%7), minute: int(secs / 60)}
}

// window is one active window: on the listed days (a bit per weekday), from
// minute from up to, not including, minute to. A window with from > to runs
// overnight: from the evening of a listed day into the next morning.
type window struct {
	days     uint8
	from, to int
}

const allDays = 1<<7 - 1

func (w window) contains(c clock) bool {
	today := w.days&c.today != 0
	if w.from < w.to {
		return today && c.minute >= w.from && c.minute < w.to
	}
	yesterday := w.days&c.yesterday != 0
	return (today && c.minute >= w.from) || (yesterday && c.minute < w.to)
}

// activeAt: a route without windows is always active.
func (rt *Route) activeAt(c clock) bool {
	if len(rt.active) == 0 {
		return true
	}
	for _, w := range rt.active {
		if w.contains(c) {
			return true
		}
	}
	return false
}

var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday,
	"wednesday": time.Wednesday, "thursday": time.Thursday, "friday": time.Friday,
	"saturday": time.Saturday,
}

// active parses `active:` — one window or a list of them.
func (p *parser) active(n *yaml.Node, where string) []window {
	n = resolve(n)
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
		if len(items) == 0 {
			p.errorf(n, "active of %s has no windows (leave active out to be always active)", where)
		}
	}
	var out []window
	for _, it := range items {
		if w, ok := p.window(it, where); ok {
			out = append(out, w)
		}
	}
	return out
}

func (p *parser) window(n *yaml.Node, where string) (window, bool) {
	what := "active of " + where
	w := window{days: allDays, from: 0, to: 24 * 60}
	ok := true
	kvs := p.pairs(n, what)
	if kvs == nil {
		return w, false
	}
	for _, kv := range kvs {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "days":
			w.days = 0
			for _, d := range p.scalars(v, "active.days of "+where) {
				bits, err := parseDays(d.Value)
				if err != nil {
					p.errorf(d, "%v in active.days of %s", err, where)
					ok = false
				}
				w.days |= bits
			}
		case "from", "to":
			s, good := p.scalar(v, "active."+k.Value+" of "+where)
			m, err := parseClock(s, k.Value == "to")
			if good && err != nil {
				p.errorf(v, "bad time %q in active.%s of %s (want HH:MM)", s, k.Value, where)
			}
			ok = ok && good && err == nil
			if k.Value == "from" {
				w.from = m
			} else {
				w.to = m
			}
		default:
			p.errorf(k, "unknown key %q in %s", k.Value, what)
			ok = false
		}
	}
	if ok && w.from == w.to {
		p.errorf(n, "active window of %s is empty: from and to are both %s", where, hhmm(w.from))
		ok = false
	}
	if ok && w.days == 0 {
		p.errorf(n, "active window of %s lists no days", where)
		ok = false
	}
	return w, ok
}

// parseDays reads a day (mon..sun, or the full name) or a range of days
// (mon-fri; sat-mon wraps over the week's end).
func parseDays(s string) (uint8, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	lo, hi, isRange := strings.Cut(s, "-")
	a, okA := dayNames[strings.TrimSpace(lo)]
	b, okB := a, okA
	if isRange {
		b, okB = dayNames[strings.TrimSpace(hi)]
	}
	if !okA || !okB {
		return 0, fmt.Errorf("unknown day %q (want mon, tue, wed, thu, fri, sat, sun or a range like mon-fri)", s)
	}
	var bits uint8
	for d := a; ; d = (d + 1) % 7 {
		bits |= 1 << d
		if d == b {
			return bits, nil
		}
	}
}

// parseClock reads H:MM or HH:MM as minutes of the day; 24:00 is allowed as
// an end.
func parseClock(s string, end bool) (int, error) {
	hs, ms, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 || !digits(hs+ms) {
		return 0, fmt.Errorf("bad time %q", s)
	}
	h, _ := strconv.Atoi(hs)
	m, _ := strconv.Atoi(ms)
	if end && h == 24 && m == 0 {
		return 24 * 60, nil
	}
	if h > 23 || m > 59 {
		return 0, fmt.Errorf("bad time %q", s)
	}
	return h*60 + m, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func hhmm(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }
