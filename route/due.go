package route

import (
	"time"
)

// dueHorizon is how far Due looks for business time: windows that leave
// less than d in a hundred years make the follow-up due a hundred years on.
const dueHorizon = 100 * 366

// Hours are a route's active windows read in a time zone: when its
// follow-up clock runs.
type Hours struct {
	// Zone is the zone the windows are read in; Beijing time when nil.
	Zone    *time.Location
	windows []window
}

// Hours returns the route's active windows read in zone.
func (rt *Route) Hours(zone *time.Location) Hours {
	return Hours{Zone: zone, windows: rt.active}
}

// Always reports whether the hours are all the time: no windows.
func (h Hours) Always() bool { return len(h.windows) == 0 }

// Deadlines are when a lead not yet followed up is due a reminder and an
// escalation; a zero time when the route's followup has none. Within is
// when followup.within runs out, reminded or not: a lead followed up by
// then was followed up on time (the report's 按时跟进).
type Deadlines struct {
	Within   time.Time
	Remind   time.Time
	Escalate time.Time
}

// Deadlines returns when a lead of route rt whose alert went out at sent is
// due a reminder and an escalation, by the route's followup, its active
// windows and the calendar, in the rules' zone. The escalation keeps its own
// distance, escalate.after less within, after the reminder's due time. All
// are zero when the route has no followup.
func (r *Rules) Deadlines(rt *Route, sent time.Time) Deadlines {
	f := rt.Followup
	if f == nil {
		return Deadlines{}
	}
	h := rt.Hours(r.Zone)
	dl := Deadlines{Within: Due(sent, f.Within, h, r.cal, f.BusinessHours)}
	if f.Remind {
		dl.Remind = dl.Within
	}
	if f.Escalate != nil {
		dl.Escalate = Due(dl.Within, f.Escalate.After-f.Within, h, r.cal, f.BusinessHours)
	}
	return dl
}

// Due returns the moment d of the follow-up clock has run from start. With
// businessHours the clock runs only inside the active windows of h, which
// honour cal as routing does (no window opens on a holiday, a make-up
// workday counts as the weekday it names): a lead alerted at 17:55 into
// windows that close at 18:00 with d 15m is due 10 minutes after the next
// opening. Without businessHours, or with no windows (always active), it is
// start plus d. Due is never before start, and never earlier for a longer d;
// it is in start's location.
func Due(start time.Time, d time.Duration, h Hours, cal *Calendar, businessHours bool) time.Time {
	if d <= 0 {
		return start
	}
	if !businessHours || h.Always() {
		return start.Add(d)
	}
	zone := orVendor(h.Zone)
	day, _ := localDay(start, zone)
	y, m, dd := start.In(zone).Date()
	left := d
	var buf [8]span
	for i := range dueHorizon {
		n := day + int64(i)
		wd := civilWeekday(n)
		for _, s := range h.spans(buf[:0], cal.dayBits(n, wd), cal.dayBits(n-1, (wd+6)%7)) {
			a := time.Date(y, m, dd+i, 0, s.from, 0, 0, zone)
			b := time.Date(y, m, dd+i, 0, s.to, 0, 0, zone)
			if !b.After(start) {
				continue
			}
			if a.Before(start) {
				a = start
			}
			if run := b.Sub(a); run >= left {
				return a.Add(left).In(start.Location())
			} else if run > 0 {
				left -= run
			}
		}
	}
	return time.Date(y, m, dd+dueHorizon, 0, 0, 0, 0, zone).In(start.Location())
}

// span is a stretch of one day, from minute from up to minute to.
type span struct{ from, to int }

// spans appends to dst the stretches of a day the windows cover, in order
// and merged, for a day counting as the weekday bit today (0 on a holiday)
// after a day counting as yesterday: what window.contains reads minute by
// minute.
func (h Hours) spans(dst []span, today, yesterday uint8) []span {
	for _, w := range h.windows {
		switch {
		case w.from < w.to:
			if w.days&today != 0 {
				dst = append(dst, span{w.from, w.to})
			}
		default: // overnight: the morning belongs to yesterday's window
			if w.days&yesterday != 0 {
				dst = append(dst, span{0, w.to})
			}
			if w.days&today != 0 {
				dst = append(dst, span{w.from, 24 * 60})
			}
		}
	}
	for i := 1; i < len(dst); i++ { // insertion sort: a handful of windows
		for j := i; j > 0 && dst[j].from < dst[j-1].from; j-- {
			dst[j], dst[j-1] = dst[j-1], dst[j]
		}
	}
	out := dst[:0]
	for _, s := range dst {
		if k := len(out) - 1; k >= 0 && s.from <= out[k].to {
			out[k].to = max(out[k].to, s.to)
			continue
		}
		out = append(out, s)
	}
	return out
}
