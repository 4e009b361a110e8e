package route

import (
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/cluebot/cluebot/clue"
)

// Calendar is rules.yaml's calendar: holidays, on which no active window
// opens, and make-up workdays (调休), each counting as the weekday it names.
// Dates are read in the rules' zone. A nil Calendar is an empty one: every
// date counts as its own weekday.
type Calendar struct {
	// days holds, for each date from first to first+len(days)-1 (days
	// since 1970-01-01), the weekday bit it counts as: 0 on a holiday,
	// ownDay when the calendar leaves it alone. Dense, so that routing
	// reads it with one index.
	first int64
	days  []uint8
}

// ownDay marks a date of the calendar's span that counts as its own weekday.
const ownDay = 0x80

// Dates in a calendar are from years 2000 to 2099, so a calendar spans at
// most a century (36,525 bytes).
var (
	firstDate = civilDay(2000, time.January, 1)
	lastDate  = civilDay(2099, time.December, 31)
)

// Holiday reports whether t's date, read in zone (Beijing time when nil), is
// a holiday.
func (c *Calendar) Holiday(t time.Time, zone *time.Location) bool {
	n, wd := dateOf(t, zone)
	return c.dayBits(n, wd) == 0
}

// Weekday returns the weekday t's date, read in zone (Beijing time when
// nil), counts as, and false on a holiday.
func (c *Calendar) Weekday(t time.Time, zone *time.Location) (time.Weekday, bool) {
	n, wd := dateOf(t, zone)
	bits := c.dayBits(n, wd)
	for d := time.Sunday; d <= time.Saturday; d++ {
		if bits == 1<<d {
			return d, true
		}
	}
	return wd, false
}

// dayBits returns the weekday bit date n, a wd by the clock, counts as: 0 on
// a holiday.
func (c *Calendar) dayBits(n int64, wd time.Weekday) uint8 {
	if c != nil {
		if i := n - c.first; i >= 0 && i < int64(len(c.days)) && c.days[i] != ownDay {
			return c.days[i]
		}
	}
	return 1 << wd
}

// dateOf returns t's date in zone as days since 1970-01-01, and its weekday.
func dateOf(t time.Time, zone *time.Location) (int64, time.Weekday) {
	day, _ := localDay(t, zone)
	return day, civilWeekday(day)
}

// localDay returns t's date in zone (Beijing time when nil) as days since
// 1970-01-01, and the seconds since that date's midnight: the arithmetic of
// Date, Weekday, Hour and Minute, with one zone lookup for all of them.
func localDay(t time.Time, zone *time.Location) (int64, int64) {
	_, off := t.In(orVendor(zone)).Zone()
	secs := t.Unix() + int64(off)
	day := secs / 86400
	if secs%86400 < 0 {
		day--
	}
	return day, secs - day*86400
}

// civilDay counts the days from 1970-01-01 to y-m-d in the proleptic
// Gregorian calendar (Howard Hinnant's days_from_civil), without a time.Time
// so that routing does not pay for one.
func civilDay(y int, m time.Month, d int) int64 {
	yy := int64(y)
	if m <= 2 {
		yy--
	}
	era := yy / 400
	if yy < 0 && yy%400 != 0 {
		era--
	}
	yoe := yy - era*400
	mp := (int64(m) + 9) % 12
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// calendar parses `calendar:` — holidays, a list of dates, and workdays, a
// mapping of date to the weekday it counts as.
func (p *parser) calendar(n *yaml.Node) *Calendar {
	days := map[int64]uint8{}
	holiday := map[int64]int{} // date → its line
	var workdays [][2]*yaml.Node
	for _, kv := range p.pairs(n, "calendar") {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "holidays":
			for _, it := range p.scalars(v, "calendar.holidays") {
				day, ok := p.date(it, "calendar.holidays")
				if !ok {
					continue
				}
				if line, dup := holiday[day]; dup {
					p.errorf(it, "duplicate holiday %s in calendar.holidays (first at line %d)", it.Value, line)
					continue
				}
				holiday[day] = it.Line
				days[day] = 0
			}
		case "workdays":
			workdays = p.pairs(v, "calendar.workdays")
		default:
			p.errorf(k, "unknown key %q in calendar (want holidays, workdays)", k.Value)
		}
	}
	for _, kv := range workdays {
		k, v := kv[0], kv[1]
		day, okDate := p.date(k, "calendar.workdays")
		s, okDay := p.scalar(v, "calendar.workdays."+k.Value)
		wd, known := dayNames[strings.ToLower(strings.TrimSpace(s))]
		switch {
		case !okDate || !okDay:
		case !known:
			p.errorf(v, "unknown day %q in calendar.workdays.%s (want one of mon, tue, wed, thu, fri, sat, sun)", s, k.Value)
		case holiday[day] != 0:
			p.errorf(k, "%s is both a holiday (line %d) and a workday in calendar", k.Value, holiday[day])
		case civilWeekday(day) == wd:
			p.errorf(v, "calendar.workdays.%s: %s is a %s already (a workday names the weekday a day off counts as)", k.Value, k.Value, s)
		default:
			days[day] = 1 << wd
		}
	}
	return newCalendar(days)
}

// newCalendar lays out dates → weekday bits densely; nil when there are none.
func newCalendar(days map[int64]uint8) *Calendar {
	if len(days) == 0 {
		return nil
	}
	lo, hi := lastDate, firstDate
	for n := range days {
		lo, hi = min(lo, n), max(hi, n)
	}
	c := &Calendar{first: lo, days: make([]uint8, hi-lo+1)}
	for i := range c.days {
		c.days[i] = ownDay
	}
	for n, bits := range days {
		c.days[n-lo] = bits
	}
	return c
}

// date parses a YYYY-MM-DD date as days since 1970-01-01.
func (p *parser) date(n *yaml.Node, what string) (int64, bool) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(n.Value))
	if err != nil {
		p.errorf(n, "bad date %q in %s (want YYYY-MM-DD, like 2026-10-01)", n.Value, what)
		return 0, false
	}
	day := civilDay(t.Date())
	if day < firstDate || day > lastDate {
		p.errorf(n, "date %s in %s is not in the years 2000 to 2099", n.Value, what)
		return 0, false
	}
	return day, true
}

// civilWeekday is the weekday of date n, counted from 1970-01-01 (a
// Thursday).
func civilWeekday(n int64) time.Weekday {
	return time.Weekday(((n+4)%7 + 7) % 7)
}

func orVendor(zone *time.Location) *time.Location {
	if zone == nil {
		return clue.VendorZone
	}
	return zone
}
