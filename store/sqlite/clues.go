package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/sqlstore"
)

// upsertCols are the columns of one row of upsertClueSQL.
var upsertCols = append(append([]string{"id"}, sqlstore.ClueColumns...), "first_seen", "last_updated")

// upsertClueSQL returns the statement that writes rows planned clues: new ids
// are inserted; a stored clue is overwritten, first_seen aside, only if one
// of its columns differs, so an unchanged clue costs no write.
func upsertClueSQL(rows int) string {
	set := make([]string, 0, len(upsertCols))
	differs := make([]string, 0, len(upsertCols))
	for _, col := range upsertCols[1:] {
		if col == "first_seen" {
			continue
		}
		set = append(set, col+" = excluded."+col)
		differs = append(differs, "clues."+col+" IS NOT excluded."+col)
	}
	return `INSERT INTO clues (` + strings.Join(upsertCols, ", ") + `) VALUES ` + values(rows, len(upsertCols)) +
		` ON CONFLICT (id) DO UPDATE SET ` + strings.Join(set, ", ") + ` WHERE ` + strings.Join(differs, " OR ")
}

// insertHistorySQL returns the statement that appends rows history entries.
func insertHistorySQL(rows int) string {
	return `INSERT INTO clue_history (clue_id, changed_at, update_time, intention_id, phone_stat, schedule_id) VALUES ` +
		values(rows, 6)
}

// values returns rows comma-separated groups of cols placeholders.
func values(rows, cols int) string {
	row := "(?" + strings.Repeat(", ?", cols-1) + ")"
	return row + strings.Repeat(", "+row, rows-1)
}

// appendClueArgs appends c's row of upsertClueSQL, as p plans it, to args.
func appendClueArgs(args []any, c *store.Clue, p *sqlstore.Planned, now int64) []any {
	return append(args, c.ID, c.AdvertiserID, toMillis(c.CreateTime), toMillis(p.Tracked.UpdateTime.Time()),
		c.IntentionID, c.PhoneStat, c.ScheduleID, c.ClueTag, c.SourceType, c.PageID, c.PageName,
		c.UserName, c.Phone, c.Province, c.City, c.Store, string(c.Raw), now, toMillis(p.LastUpdated.Time()))
}

// UpsertClues stores clues in one transaction: new ids are inserted, a
// tracked change (see store.Clue.Changed) writes a history row with the old
// values and updates the clue and its last_updated, and any other difference
// only refreshes the stored columns. Repeated ids in clues are applied in
// order, as if upserted one after the other.
//
// It reads the stored state of every id with one query, works out in memory
// what each id ends up as (sqlstore.MakePlan), and writes that with
// multi-row statements: a few statements per call instead of several per
// clue.
func (s *Store) UpsertClues(ctx context.Context, clues []store.Clue) (stats store.UpsertStats, err error) {
	if len(clues) == 0 {
		return stats, nil
	}
	defer func() { s.wrote(ctx, err) }()
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return stats, fmt.Errorf("upsert clues: begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback() // the error that made us roll back is the one to report
		}
	}()
	stored, err := loadStored(ctx, tx, clues)
	if err != nil {
		return stats, err
	}
	now := dialect.AtStore(s.now())
	p := dialect.MakePlan(clues, stored, now)
	if err := writePlan(ctx, tx, clues, &p, toMillis(now)); err != nil {
		return store.UpsertStats{}, fmt.Errorf("upsert clues: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return store.UpsertStats{}, fmt.Errorf("upsert clues: commit: %w", err)
	}
	return p.Stats, nil
}

// loadStored returns the stored state of the clues with the ids of clues.
// The ids travel as one JSON array parameter, whatever their number.
func loadStored(ctx context.Context, tx *sql.Tx, clues []store.Clue) (map[string]sqlstore.Stored, error) {
	ids := make([]string, len(clues))
	for i := range clues {
		if id := clues[i].ID; id == "" || !utf8.ValidString(id) {
			return nil, fmt.Errorf("upsert clue %q: id must be non-empty UTF-8", id)
		}
		ids[i] = clues[i].ID
	}
	idsJSON, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("upsert clues: encode ids: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, update_time, intention_id, phone_stat, schedule_id, last_updated
		FROM clues WHERE id IN (SELECT value FROM json_each(?))`, string(idsJSON))
	if err != nil {
		return nil, fmt.Errorf("upsert clues: select stored: %w", err)
	}
	defer rows.Close()
	stored := make(map[string]sqlstore.Stored)
	var id string
	var update, lastUpdated int64
	var sc sqlstore.Stored
	t := &sc.Tracked
	for rows.Next() {
		if err := rows.Scan(&id, &update, &t.IntentionID, &t.PhoneStat, &t.ScheduleID, &lastUpdated); err != nil {
			return nil, fmt.Errorf("upsert clues: select stored: %w", err)
		}
		t.UpdateTime, sc.LastUpdated = sqlstore.MillisOf(fromMillis(update)), sqlstore.MillisOf(fromMillis(lastUpdated))
		stored[id] = sc
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("upsert clues: select stored: %w", err)
	}
	return stored, nil
}
