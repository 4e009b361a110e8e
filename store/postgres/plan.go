package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
)

// tracked holds the columns whose changes a clue's history records, with
// update_time at the store's precision.
type tracked struct {
	updateTime                         time.Time
	intentionID, phoneStat, scheduleID int64
}

// trackedOf returns c's tracked values at the store's precision.
func trackedOf(c *store.Clue) tracked {
	return tracked{atStore(c.UpdateTime), c.IntentionID, c.PhoneStat, c.ScheduleID}
}

// changed reports whether next differs from t as store.Clue.Changed defines it.
func (t tracked) changed(next tracked) bool {
	old := store.Clue{UpdateTime: t.updateTime, IntentionID: t.intentionID, PhoneStat: t.phoneStat,
		ScheduleID: t.scheduleID}
	return old.Changed(&store.Clue{UpdateTime: next.updateTime, IntentionID: next.intentionID,
		PhoneStat: next.phoneStat, ScheduleID: next.scheduleID})
}

// storedClue is what an id of the batch is stored as once lockClues ran.
type storedClue struct {
	tracked
	inserted bool // inserted by this upsert, as the id's first copy
	same     bool // stored identical to every copy in the batch
}

// planned is the state one id is written with at the end of an upsert.
type planned struct {
	id      string
	seq     int // the batch position of the copy the row ends up as
	tracked tracked
	touched bool // a tracked change: last_updated moves to now
	listed  bool // in plan.updates, or known to need no update
}

// historyRow is one clue_history row to append: the values before a change.
type historyRow struct {
	clueID string
	old    tracked
}

// plan is what one UpsertClues call writes after lockClues.
type plan struct {
	updates []*planned // ids that took a copy beyond their stored state
	history []historyRow
	stats   store.UpsertStats
}

// makePlan applies clues in order, in memory, to the stored state: the first
// copy of an id lockClues inserted is the insert; an id stored identical to
// every copy is unchanged each time; a copy that changes a tracked value
// records the previous values in the history and moves last_updated to now;
// any other copy only replaces the untracked columns.
func makePlan(clues []store.Clue, stored map[string]storedClue) plan {
	var p plan
	byID := make(map[string]*planned, len(clues))
	for i := range clues {
		c := &clues[i]
		next := trackedOf(c)
		cur, ok := byID[c.ID]
		if !ok {
			sc := stored[c.ID]
			if sc.inserted {
				byID[c.ID] = &planned{id: c.ID, seq: i, tracked: next}
				p.stats.Inserted++
				continue
			}
			cur = &planned{id: c.ID, tracked: sc.tracked, listed: sc.same}
			byID[c.ID] = cur
		}
		if !cur.listed {
			cur.listed = true
			p.updates = append(p.updates, cur)
		}
		if cur.tracked.changed(next) {
			p.history = append(p.history, historyRow{clueID: c.ID, old: cur.tracked})
			cur.touched = true
			p.stats.Updated++
		} else {
			p.stats.Unchanged++
		}
		cur.seq, cur.tracked = i, next
	}
	return p
}

// write stores the plan after lockClues: the updated clues first, then the
// history rows, in order.
func (p *plan) write(ctx context.Context, tx pgx.Tx, now time.Time) error {
	if len(p.updates) > 0 {
		ids := make([]string, len(p.updates))
		seqs, touched := make([]int32, len(p.updates)), make([]bool, len(p.updates))
		for i, u := range p.updates {
			ids[i], seqs[i], touched[i] = u.id, int32(u.seq), u.touched
		}
		if _, err := tx.Exec(ctx, updateSQL, ids, seqs, touched, stamp(now)); err != nil {
			return fmt.Errorf("update clues: %w", err)
		}
	}
	if len(p.history) == 0 {
		return nil
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"clue_history"}, historyColumns,
		pgx.CopyFromSlice(len(p.history), func(i int) ([]any, error) {
			h := &p.history[i]
			return []any{h.clueID, stamp(now), stamp(h.old.updateTime), h.old.intentionID, h.old.phoneStat,
				h.old.scheduleID}, nil
		}))
	if err != nil {
		return fmt.Errorf("write history: %w", err)
	}
	return nil
}
