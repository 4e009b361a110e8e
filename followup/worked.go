package followup

import (
	"time"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/store"
)

// workedAt returns when the lead c was first seen worked on, by its history
// (each entry holds the values before a change, oldest first) against how
// cluebot first stored it, and whether it was.
func workedAt(c *store.Clue, hist []store.HistoryEntry) (time.Time, bool) {
	now := clue.Status{PhoneStat: c.PhoneStat, ScheduleID: c.ScheduleID, IntentionID: c.IntentionID}
	if len(hist) == 0 {
		return time.Time{}, false // never changed since first stored
	}
	status := func(h *store.HistoryEntry) clue.Status {
		return clue.Status{PhoneStat: h.PhoneStat, ScheduleID: h.ScheduleID, IntentionID: h.IntentionID}
	}
	first := status(&hist[0])
	for i := range hist {
		after := now // the values the change of hist[i] brought
		if i+1 < len(hist) {
			after = status(&hist[i+1])
		}
		if clue.Worked(first, after) {
			return hist[i].ChangedAt, true
		}
	}
	return time.Time{}, false
}
