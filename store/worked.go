package store

import (
	"time"

	"github.com/cluebot/cluebot/clue"
)

// Status is the tracked values the entry holds, as clue.Worked reads them.
func (h *HistoryEntry) Status() clue.Status {
	return clue.Status{PhoneStat: h.PhoneStat, ScheduleID: h.ScheduleID, IntentionID: h.IntentionID}
}

// Status is the clue's tracked values now, as clue.Worked reads them.
func (c *Clue) Status() clue.Status {
	return clue.Status{PhoneStat: c.PhoneStat, ScheduleID: c.ScheduleID, IntentionID: c.IntentionID}
}

// WorkedAt returns when a lead was first seen worked on (clue.Worked), and
// whether it was, from its history (each entry holds the values before a
// change, oldest first) and its values now, against how cluebot first
// stored it: the change at hist[i] led to hist[i+1], or to now for the
// last. The follow-up timers and the report's 跟进 sheet both ask this.
func WorkedAt(hist []HistoryEntry, now clue.Status) (time.Time, bool) {
	if len(hist) == 0 {
		return time.Time{}, false // never changed since first stored
	}
	first := hist[0].Status()
	for i := range hist {
		after := now // the values the change of hist[i] brought
		if i+1 < len(hist) {
			after = hist[i+1].Status()
		}
		if clue.Worked(first, after) {
			return hist[i].ChangedAt, true
		}
	}
	return time.Time{}, false
}
