package consolesql

import (
	"time"

	"github.com/cluebot/cluebot/store"
)

// DayGroup is one row of a backend's GROUP BY over a day of clues: how
// many clues of one hour (counted from the day's start) share a routing.
type DayGroup struct {
	Hour   int      // whole hours since dayStart
	Routed bool     // routing has run on them
	Routes []string // the routes they took; none when unrouted or not routed yet
	Count  int
}

// Overview sums a day's groups into the overview's lead counts, by route
// and by hour of dayStart's zone (in a day that changes the clock, two
// elapsed hours may fall on one hour of the clock, and one hour on none).
func Overview(stats store.OutboxStats, dayStart time.Time, groups []DayGroup) store.Overview {
	ov := store.Overview{Outbox: stats, TodayByRoute: map[string]int{}, TodayByHour: make([]store.HourCount, 24)}
	for h := range ov.TodayByHour {
		ov.TodayByHour[h].Hour = h
	}
	for _, g := range groups {
		ov.TodayTotal += g.Count
		if g.Routed && len(g.Routes) == 0 {
			ov.TodayUnrouted += g.Count
		}
		for _, r := range g.Routes {
			ov.TodayByRoute[r] += g.Count
		}
		at := dayStart.Add(time.Duration(g.Hour) * time.Hour)
		ov.TodayByHour[at.In(dayStart.Location()).Hour()].Count += g.Count
	}
	return ov
}
