package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/sqlstore"
)

// chunkRows is how many rows one multi-row statement writes. 100 clue rows
// bind 1,900 parameters, far below SQLite's limit of 32,766.
const chunkRows = 100

// writePlan stores p, planned for clues at now: every id of the batch (an
// unchanged one costs no write, see upsertClueSQL), then the history rows
// that refer to them, in order.
func writePlan(ctx context.Context, tx *sql.Tx, clues []store.Clue, p *sqlstore.Plan, now int64) error {
	err := execRows(ctx, tx, upsertClueSQL, len(p.Rows), func(i int) string { return p.Rows[i].ID },
		func(args []any, i int) []any { return appendClueArgs(args, &clues[p.Rows[i].Seq], p.Rows[i], now) })
	if err != nil {
		return fmt.Errorf("write clues: %w", err)
	}
	err = execRows(ctx, tx, insertHistorySQL, len(p.History), func(i int) string { return p.History[i].ClueID },
		func(args []any, i int) []any {
			h := &p.History[i]
			return append(args, h.ClueID, now, toMillis(h.Old.UpdateTime.Time()), h.Old.IntentionID, h.Old.PhoneStat,
				h.Old.ScheduleID)
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
