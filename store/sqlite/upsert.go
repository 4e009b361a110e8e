package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/cluebot/cluebot/store"
)

// chunkRows is how many rows one multi-row statement writes. 100 clue rows
// bind 1,900 parameters, far below SQLite's limit of 32,766.
const chunkRows = 100

// tracked holds the columns whose changes a clue's history records, with
// update_time in unix milliseconds.
type tracked struct {
	updateTime, intentionID, phoneStat, scheduleID int64
}

// trackedOf returns c's tracked values at the store's precision.
func trackedOf(c *store.Clue) tracked {
	return tracked{toMillis(c.UpdateTime), c.IntentionID, c.PhoneStat, c.ScheduleID}
}

// changed reports whether next differs from t as store.Clue.Changed defines it.
func (t tracked) changed(next tracked) bool {
	old := store.Clue{UpdateTime: fromMillis(t.updateTime), IntentionID: t.intentionID,
		PhoneStat: t.phoneStat, ScheduleID: t.scheduleID}
	return old.Changed(&store.Clue{UpdateTime: fromMillis(next.updateTime), IntentionID: next.intentionID,
		PhoneStat: next.phoneStat, ScheduleID: next.scheduleID})
}

// storedClue is what UpsertClues reads of a clue already in the database.
type storedClue struct {
	tracked
	lastUpdated int64
}

// planned is the state one id is written with at the end of an upsert.
type planned struct {
	clue        *store.Clue // the last copy of the id in the batch
	tracked     tracked
	lastUpdated int64
}

// historyRow is one clue_history row to append: the values before a change.
type historyRow struct {
	clueID    string
	changedAt int64
	old       tracked
}

// plan is what one UpsertClues call writes.
type plan struct {
	clues   []*planned // one per id, in order of first appearance
	history []historyRow
	stats   store.UpsertStats
}

// makePlan applies clues in order, in memory, to the stored state: the first
// copy of an unknown id is an insert; a copy that changes a tracked value
// records the previous values in the history and moves last_updated to now;
// any other copy only replaces the untracked columns.
func makePlan(clues []store.Clue, stored map[string]storedClue, now int64) plan {
	var p plan
	byID := make(map[string]*planned, len(clues))
	for i := range clues {
		c := &clues[i]
		next := trackedOf(c)
		cur, ok := byID[c.ID]
		if !ok {
			sc, isStored := stored[c.ID]
			if !isStored {
				cur = &planned{clue: c, tracked: next, lastUpdated: now}
				byID[c.ID] = cur
				p.clues = append(p.clues, cur)
				p.stats.Inserted++
				continue
			}
			cur = &planned{tracked: sc.tracked, lastUpdated: sc.lastUpdated}
			byID[c.ID] = cur
			p.clues = append(p.clues, cur)
		}
		if cur.tracked.changed(next) {
			p.history = append(p.history, historyRow{clueID: c.ID, changedAt: now, old: cur.tracked})
			cur.lastUpdated = now
			p.stats.Updated++
		} else {
			p.stats.Unchanged++
		}
		cur.clue, cur.tracked = c, next
	}
	return p
}

// write stores the plan: the clues first, then the history rows that refer
// to them, in order.
func (p *plan) write(ctx context.Context, tx *sql.Tx, now int64) error {
	err := execRows(ctx, tx, upsertClueSQL, len(p.clues), func(i int) string { return p.clues[i].clue.ID },
		func(args []any, i int) []any { return appendClueArgs(args, p.clues[i], now) })
	if err != nil {
		return fmt.Errorf("write clues: %w", err)
	}
	err = execRows(ctx, tx, insertHistorySQL, len(p.history), func(i int) string { return p.history[i].clueID },
		func(args []any, i int) []any {
			h := &p.history[i]
			return append(args, h.clueID, h.changedAt, h.old.updateTime, h.old.intentionID, h.old.phoneStat, h.old.scheduleID)
		})
	if err != nil {
		return fmt.Errorf("write history: %w", err)
	}
	return nil
}

// execRows writes n rows with the multi-row statements query returns,
// chunkRows at a time. Each statement size is prepared once in tx and closed
// with it; rowArgs appends row i's arguments and id names row i in errors.
func execRows(ctx context.Context, tx *sql.Tx, query func(rows int) string, n int,
	id func(i int) string, rowArgs func(args []any, i int) []any) error {
	stmts := map[int]*sql.Stmt{}
	var args []any
	for start := 0; start < n; start += chunkRows {
		if err := ctx.Err(); err != nil {
			return err
		}
		end := min(start+chunkRows, n)
		stmt, ok := stmts[end-start]
		if !ok {
			var err error
			if stmt, err = tx.PrepareContext(ctx, query(end-start)); err != nil {
				return fmt.Errorf("prepare %d rows: %w", end-start, err)
			}
			stmts[end-start] = stmt
		}
		args = args[:0]
		for i := start; i < end; i++ {
			args = rowArgs(args, i)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("ids %s to %s: %w", id(start), id(end-1), err)
		}
	}
	return nil
}
