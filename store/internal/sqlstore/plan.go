package sqlstore

import (
	"math"
	"time"

	"github.com/cluebot/cluebot/store"
)

// Millis is an instant as both stores keep it, to the millisecond: in unix
// milliseconds, the zero time apart from every instant. A plan holds its
// times so, in a third of the memory of a time.Time.
type Millis int64

// zeroMillis is the zero time.
const zeroMillis Millis = math.MinInt64

// MillisOf returns t as the store keeps it.
func MillisOf(t time.Time) Millis {
	if t.IsZero() {
		return zeroMillis
	}
	return Millis(t.UnixMilli())
}

// Time returns m as a time in UTC.
func (m Millis) Time() time.Time {
	if m == zeroMillis {
		return time.Time{}
	}
	return time.UnixMilli(int64(m)).UTC()
}

// Tracked holds the columns whose changes a clue's history records, at the
// store's precision.
type Tracked struct {
	UpdateTime                         Millis
	IntentionID, PhoneStat, ScheduleID int64
}

// TrackedOf returns c's tracked values at the store's precision.
func (d *Dialect) TrackedOf(c *store.Clue) Tracked {
	return Tracked{MillisOf(d.AtStore(c.UpdateTime)), c.IntentionID, c.PhoneStat, c.ScheduleID}
}

// changed reports whether next differs from t as store.Clue.Changed defines it.
func (t Tracked) changed(next Tracked) bool {
	old := store.Clue{UpdateTime: t.UpdateTime.Time(), IntentionID: t.IntentionID, PhoneStat: t.PhoneStat,
		ScheduleID: t.ScheduleID}
	return old.Changed(&store.Clue{UpdateTime: next.UpdateTime.Time(), IntentionID: next.IntentionID,
		PhoneStat: next.PhoneStat, ScheduleID: next.ScheduleID})
}

// Stored is what an id of a batch is stored as before the batch applies.
type Stored struct {
	Tracked
	LastUpdated Millis // for a backend that writes it back unchanged
	// Same says the row is stored identical to every copy in the batch, so
	// that it needs no write.
	Same bool
}

// Planned is the state one id is written with at the end of an upsert.
type Planned struct {
	ID          string
	Seq         int // the batch position of the copy the row ends up as
	Tracked     Tracked
	LastUpdated Millis // now after an insert or a tracked change, else as stored
	Touched     bool   // a tracked change: last_updated moves to now

	listed bool // in Plan.Updates, or known to need no update
}

// HistoryRow is one clue_history row to append, changed at the upsert's
// now: the values before a change.
type HistoryRow struct {
	ClueID string
	Old    Tracked
}

// Plan is what one upsert writes.
type Plan struct {
	Rows []*Planned // one per id, in order of first appearance
	// Updates are the ids that took a copy beyond their stored state, or
	// beyond the first copy of a new id.
	Updates []*Planned
	History []HistoryRow
	Stats   store.UpsertStats
}

// MakePlan applies clues in order, in memory, to what stored says of their
// ids at now (an id stored lacks is new): the first copy of a new id is an
// insert; an id stored identical to every copy is unchanged each time; a
// copy that changes a tracked value records the previous values in the
// history and moves last_updated to now; any other copy only replaces the
// untracked columns.
func (d *Dialect) MakePlan(clues []store.Clue, stored map[string]Stored, now time.Time) Plan {
	var p Plan
	nowMs := MillisOf(now)
	byID := make(map[string]*Planned, len(clues))
	p.Rows = make([]*Planned, 0, len(clues))
	for i := range clues {
		c := &clues[i]
		next := d.TrackedOf(c)
		cur, ok := byID[c.ID]
		if !ok {
			sc, isStored := stored[c.ID]
			if !isStored {
				cur = &Planned{ID: c.ID, Seq: i, Tracked: next, LastUpdated: nowMs}
				byID[c.ID] = cur
				p.Rows = append(p.Rows, cur)
				p.Stats.Inserted++
				continue
			}
			cur = &Planned{ID: c.ID, Tracked: sc.Tracked, LastUpdated: sc.LastUpdated, listed: sc.Same}
			byID[c.ID] = cur
			p.Rows = append(p.Rows, cur)
		}
		if !cur.listed {
			cur.listed = true
			p.Updates = append(p.Updates, cur)
		}
		if cur.Tracked.changed(next) {
			p.History = append(p.History, HistoryRow{ClueID: c.ID, Old: cur.Tracked})
			cur.Touched, cur.LastUpdated = true, nowMs
			p.Stats.Updated++
		} else {
			p.Stats.Unchanged++
		}
		cur.Seq, cur.Tracked = i, next
	}
	return p
}
