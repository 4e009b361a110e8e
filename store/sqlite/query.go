package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/cluebot/cluebot/store"
)

// selectClueSQL selects every column scanClue reads, all of them the clue
// row's own: the report iterates a whole day of clues with it.
var selectClueSQL = `SELECT id, ` + strings.Join(clueColumns, ", ") + `, first_seen, last_updated,
	routed_at, routes, assignees, outbox_sent, outbox_pending, outbox_dead FROM clues`

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface {
	Scan(dest ...any) error
}

// scanClue reads a row of selectClueSQL into c; c.Raw, c.Routes and
// c.Assignees get fresh memory.
func scanClue(r rowScanner, c *store.Clue) error {
	var create, update, firstSeen, lastUpdated, routedAt int64
	var routes, assignees sql.NullString
	err := r.Scan(&c.ID, &c.AdvertiserID, &create, &update, &c.IntentionID, &c.PhoneStat,
		&c.ScheduleID, &c.ClueTag, &c.SourceType, &c.PageID, &c.PageName,
		&c.UserName, &c.Phone, &c.Province, &c.City, &c.Store, &c.Raw, &firstSeen, &lastUpdated,
		&routedAt, &routes, &assignees, &c.Sent, &c.Pending, &c.Dead)
	if err != nil {
		return err
	}
	c.CreateTime, c.UpdateTime = fromMillis(create), fromMillis(update)
	c.FirstSeen, c.LastUpdated, c.RoutedAt = fromMillis(firstSeen), fromMillis(lastUpdated), fromMillis(routedAt)
	c.Routes, c.Assignees = nil, nil
	if routes.Valid {
		c.Routes = strings.Split(routes.String, listSep)
		c.Assignees = strings.Split(assignees.String, listSep)
	}
	return nil
}

// where returns the WHERE clause (possibly empty) and its args for f.
func where(f store.ClueFilter) (string, []any) {
	var conds []string
	var args []any
	if !f.From.IsZero() {
		conds = append(conds, "create_time >= ?")
		args = append(args, toMillis(f.From))
	}
	if !f.To.IsZero() {
		conds = append(conds, "create_time < ?")
		args = append(args, toMillis(f.To))
	}
	if f.AdvertiserID != 0 {
		conds = append(conds, "advertiser_id = ?")
		args = append(args, f.AdvertiserID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Clue returns the clue with the given id, or an error wrapping
// store.ErrNotFound.
func (s *Store) Clue(ctx context.Context, id string) (store.Clue, error) {
	var c store.Clue
	err := scanClue(s.read.QueryRowContext(ctx, selectClueSQL+` WHERE id = ?`, id), &c)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Clue{}, fmt.Errorf("clue %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Clue{}, fmt.Errorf("clue %s: %w", id, err)
	}
	return c, nil
}

// ClueHistory returns the history entries of the clue with the given id in
// the order they were written, oldest first; none for an unknown id.
func (s *Store) ClueHistory(ctx context.Context, id string) ([]store.HistoryEntry, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT changed_at, update_time, intention_id, phone_stat, schedule_id
		FROM clue_history WHERE clue_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("clue history %s: %w", id, err)
	}
	defer rows.Close()
	var hist []store.HistoryEntry
	for rows.Next() {
		h := store.HistoryEntry{ClueID: id}
		var changedAt, update int64
		if err := rows.Scan(&changedAt, &update, &h.IntentionID, &h.PhoneStat, &h.ScheduleID); err != nil {
			return nil, fmt.Errorf("clue history %s: %w", id, err)
		}
		h.ChangedAt, h.UpdateTime = fromMillis(changedAt), fromMillis(update)
		hist = append(hist, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clue history %s: %w", id, err)
	}
	return hist, nil
}

// IterateClues calls fn for each clue matching f, ordered by create_time then
// id, streaming rows from one read transaction. It stops at and returns the
// first error from fn unchanged, and stops with an error wrapping ctx.Err()
// once ctx is done. fn receives the same *Clue every time and must not keep it.
func (s *Store) IterateClues(ctx context.Context, f store.ClueFilter, fn func(c *store.Clue) error) error {
	cond, args := where(f)
	rows, err := s.read.QueryContext(ctx, selectClueSQL+cond+` ORDER BY create_time, id`, args...)
	if err != nil {
		return fmt.Errorf("iterate clues: %w", err)
	}
	defer rows.Close()
	var c store.Clue
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("iterate clues: %w", err)
		}
		if err := scanClue(rows, &c); err != nil {
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
func (s *Store) CountClues(ctx context.Context, f store.ClueFilter) (int, error) {
	cond, args := where(f)
	var n int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM clues`+cond, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count clues: %w", err)
	}
	return n, nil
}
