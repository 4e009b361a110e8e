package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cluebot/cluebot/store"
)

// ClueColumns are the clues columns a caller supplies, after the id, in the
// order ScanClue reads them. first_seen and last_updated are set by the
// store.
var ClueColumns = []string{
	"advertiser_id", "create_time", "update_time", "intention_id", "phone_stat",
	"schedule_id", "clue_tag", "source_type", "page_id", "page_name",
	"user_name", "phone", "province", "city", "store", "raw",
}

// SelectClueSQL selects every column ScanClue reads, all of them the clue
// row's own: the report iterates a whole day of clues with it.
var SelectClueSQL = `SELECT id, ` + strings.Join(ClueColumns, ", ") + `, first_seen, last_updated,
	routed_at, routes, assignees, outbox_sent, outbox_pending, outbox_dead FROM clues`

// ScanClue reads a row of SelectClueSQL into c; c.Raw, c.Routes and
// c.Assignees get fresh memory.
func (d *Dialect) ScanClue(r Row, c *store.Clue) error {
	err := r.Scan(&c.ID, &c.AdvertiserID, d.ScanTime(&c.CreateTime), d.ScanTime(&c.UpdateTime),
		&c.IntentionID, &c.PhoneStat, &c.ScheduleID, &c.ClueTag, &c.SourceType, &c.PageID, &c.PageName,
		&c.UserName, &c.Phone, &c.Province, &c.City, &c.Store, &c.Raw,
		d.ScanTime(&c.FirstSeen), d.ScanTime(&c.LastUpdated), d.ScanTime(&c.RoutedAt),
		d.ScanList(&c.Routes), d.ScanList(&c.Assignees), &c.Sent, &c.Pending, &c.Dead)
	if len(c.Routes) == 0 {
		c.Routes, c.Assignees = nil, nil
	}
	return err
}

// timeColumn is the column f's window bounds and iterations are ordered by.
func timeColumn(f store.ClueFilter) string {
	if f.ByFirstSeen {
		return "first_seen"
	}
	return "create_time"
}

// Where returns the WHERE clause (possibly empty) for f and its arguments,
// numbered from 1.
func (d *Dialect) Where(f store.ClueFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, cond+" "+d.Param(len(args)))
	}
	col := timeColumn(f)
	if !f.From.IsZero() {
		add(col+" >=", d.Time(f.From))
	}
	if !f.To.IsZero() {
		add(col+" <", d.Time(f.To))
	}
	if f.AdvertiserID != 0 {
		add("advertiser_id =", f.AdvertiserID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Clue returns the clue with the given id, or an error wrapping
// store.ErrNotFound.
func (s *Common) Clue(ctx context.Context, id string) (store.Clue, error) {
	var c store.Clue
	err := s.d.ScanClue(s.read.QueryRow(ctx, SelectClueSQL+` WHERE id = `+s.d.Param(1), id), &c)
	if errors.Is(err, s.d.NoRows) {
		return store.Clue{}, fmt.Errorf("clue %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Clue{}, fmt.Errorf("clue %s: %w", id, err)
	}
	return c, nil
}

// ClueExists returns nil if a clue with the given id is stored, else an
// error wrapping store.ErrNotFound.
func (d *Dialect) ClueExists(ctx context.Context, db DB, id string) error {
	var one int
	err := db.QueryRow(ctx, `SELECT 1 FROM clues WHERE id = `+d.Param(1), id).Scan(&one)
	if errors.Is(err, d.NoRows) {
		return store.ErrNotFound
	}
	return err
}

// ClueHistory returns the history entries of the clue with the given id in
// the order they were written, oldest first; none for an unknown id.
func (s *Common) ClueHistory(ctx context.Context, id string) ([]store.HistoryEntry, error) {
	rows, err := s.read.Query(ctx, `SELECT changed_at, update_time, intention_id, phone_stat, schedule_id
		FROM clue_history WHERE clue_id = `+s.d.Param(1)+` ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("clue history %s: %w", id, err)
	}
	hist, err := collect(rows, func(r Row, h *store.HistoryEntry) error {
		h.ClueID = id
		return r.Scan(s.d.ScanTime(&h.ChangedAt), s.d.ScanTime(&h.UpdateTime), &h.IntentionID, &h.PhoneStat,
			&h.ScheduleID)
	})
	if err != nil {
		return nil, fmt.Errorf("clue history %s: %w", id, err)
	}
	return hist, nil
}

// IterateClues calls fn for each clue matching f, ordered by create_time
// (first_seen when f.ByFirstSeen) then id, streaming rows from one query:
// memory stays flat however many clues match. It stops at and returns the first error from fn unchanged,
// and stops with an error wrapping ctx.Err() once ctx is done. fn receives
// the same *Clue every time and must not keep it.
func (s *Common) IterateClues(ctx context.Context, f store.ClueFilter, fn func(c *store.Clue) error) error {
	return s.iterate(ctx, SelectClueSQL, f, s.d.ScanClue, fn)
}

// selectRoutingRowSQL selects the columns scanRoutingRow reads.
const selectRoutingRowSQL = `SELECT id, advertiser_id, create_time, province, city, store, raw FROM clues`

// IterateRoutingRows is IterateClues reading only the columns a lead is
// routed by (see transform.RoutedFromStored): the id, advertiser_id,
// create_time, province, city, store and raw. The rest of c stays zero, and
// c.Raw is the driver's memory, valid until fn returns. A rules replay
// reads its window so.
func (s *Common) IterateRoutingRows(ctx context.Context, f store.ClueFilter, fn func(c *store.Clue) error) error {
	return s.iterate(ctx, selectRoutingRowSQL, f, s.d.scanRoutingRow, fn)
}

// scanRoutingRow reads a row of selectRoutingRowSQL into c, c.Raw without
// a copy.
func (d *Dialect) scanRoutingRow(r Row, c *store.Clue) error {
	return r.Scan(&c.ID, &c.AdvertiserID, d.ScanTime(&c.CreateTime), &c.Province, &c.City, &c.Store,
		d.ScanBorrowed(&c.Raw))
}

// IterateSQL returns query (a SELECT from clues) with f's conditions,
// ordered by f's time column then id, as an index on (column, id) serves
// it: clues_create_time, or clues_first_seen when f.ByFirstSeen.
func (d *Dialect) IterateSQL(query string, f store.ClueFilter) (string, []any) {
	cond, args := d.Where(f)
	return query + cond + ` ORDER BY ` + timeColumn(f) + `, id`, args
}

// iterate runs query (a SELECT from clues) with f's conditions, ordered by
// f's time column then id, and calls fn with each row read by scan.
func (s *Common) iterate(ctx context.Context, query string, f store.ClueFilter,
	scan func(r Row, c *store.Clue) error, fn func(c *store.Clue) error) error {
	query, args := s.d.IterateSQL(query, f)
	qctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rows, err := s.read.Query(qctx, query, args...)
	if err != nil {
		return fmt.Errorf("iterate clues: %w", err)
	}
	// Stopping early cancels the query first: its connection is dropped
	// rather than drained of what may be a million rows.
	defer func() { cancel(); rows.Close() }()
	var c store.Clue
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("iterate clues: %w", err)
		}
		if err := scan(rows, &c); err != nil {
			return fmt.Errorf("iterate clues: %w", err)
		}
		if err := fn(&c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("iterate clues: %w", err)
	}
	return nil
}

// CountClues counts the clues matching f.
func (s *Common) CountClues(ctx context.Context, f store.ClueFilter) (int, error) {
	cond, args := s.d.Where(f)
	var n int
	if err := s.read.QueryRow(ctx, `SELECT count(*) FROM clues`+cond, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count clues: %w", err)
	}
	return n, nil
}

// UnroutedSQL selects up to the first argument's number of clues not
// routed yet, oldest first, from the partial index clues_unrouted.
func (d *Dialect) UnroutedSQL() string {
	return SelectClueSQL + ` WHERE routed_at = ` + d.Zero + ` ORDER BY first_seen, id LIMIT ` + d.Param(1)
}

// UnroutedClues returns up to limit clues not routed yet, oldest first by
// first_seen, then id, from the partial index clues_unrouted; none when
// limit is not positive.
func (s *Common) UnroutedClues(ctx context.Context, limit int) ([]store.Clue, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.read.Query(ctx, s.d.UnroutedSQL(), limit)
	if err != nil {
		return nil, fmt.Errorf("unrouted clues: %w", err)
	}
	clues, err := collect(rows, s.d.ScanClue)
	if err != nil {
		return nil, fmt.Errorf("unrouted clues: %w", err)
	}
	return clues, nil
}

// DeleteCluesBefore deletes the clues created before t and, by cascade,
// their history and outbox rows, in one statement.
func (s *Common) DeleteCluesBefore(ctx context.Context, t time.Time) (int, error) {
	n, err := s.write.Exec(ctx, `DELETE FROM clues WHERE create_time < `+s.d.Param(1), s.d.Time(t))
	if err != nil {
		return 0, fmt.Errorf("delete clues before %s: %w", t.Format(time.DateOnly), err)
	}
	return int(n), nil
}
