package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cluebot/cluebot/store"
)

// stamp is a time.Time as the store keeps it in a timestamptz column:
// truncated to the millisecond, the zero time as '-infinity', read back in
// UTC. Scan into (*stamp)(&t) and pass stamp(t) as an argument.
type stamp time.Time

// TimestamptzValue encodes s for pgx.
func (s stamp) TimestamptzValue() (pgtype.Timestamptz, error) {
	t := time.Time(s)
	if t.IsZero() {
		return pgtype.Timestamptz{InfinityModifier: pgtype.NegativeInfinity, Valid: true}, nil
	}
	return pgtype.Timestamptz{Time: t.Truncate(time.Millisecond), Valid: true}, nil
}

// ScanTimestamptz decodes v, '-infinity' and NULL to the zero time.
func (s *stamp) ScanTimestamptz(v pgtype.Timestamptz) error {
	switch {
	case !v.Valid || v.InfinityModifier == pgtype.NegativeInfinity:
		*s = stamp{}
	case v.InfinityModifier != pgtype.Finite:
		return errors.New("scan timestamptz: infinity is not a time")
	default:
		*s = stamp(v.Time.UTC())
	}
	return nil
}

// atStore returns t as the store reads it back: to the millisecond, in UTC.
func atStore(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.Truncate(time.Millisecond).UTC()
}

// clueColumns are the clues columns a caller supplies, after the id, in the
// order of the clue_batch table and scanClue.
var clueColumns = []string{
	"advertiser_id", "create_time", "update_time", "intention_id", "phone_stat",
	"schedule_id", "clue_tag", "source_type", "page_id", "page_name",
	"user_name", "phone", "province", "city", "store", "raw",
}

// selectClueSQL selects every column scanClue reads, all of them the clue
// row's own: the report iterates a whole day of clues with it.
var selectClueSQL = `SELECT id, ` + strings.Join(clueColumns, ", ") + `, first_seen, last_updated,
	routed_at, routes, assignees, outbox_sent, outbox_pending, outbox_dead FROM clues`

// scanClue reads a row of selectClueSQL into c; c.Raw, c.Routes and
// c.Assignees get fresh memory.
func scanClue(r pgx.Row, c *store.Clue) error {
	err := r.Scan(&c.ID, &c.AdvertiserID, (*stamp)(&c.CreateTime), (*stamp)(&c.UpdateTime), &c.IntentionID,
		&c.PhoneStat, &c.ScheduleID, &c.ClueTag, &c.SourceType, &c.PageID, &c.PageName,
		&c.UserName, &c.Phone, &c.Province, &c.City, &c.Store, &c.Raw,
		(*stamp)(&c.FirstSeen), (*stamp)(&c.LastUpdated), (*stamp)(&c.RoutedAt),
		&c.Routes, &c.Assignees, &c.Sent, &c.Pending, &c.Dead)
	if len(c.Routes) == 0 {
		c.Routes, c.Assignees = nil, nil
	}
	return err
}

// where returns the WHERE clause (possibly empty) and its args for f.
func where(f store.ClueFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, cond+" $"+strconv.Itoa(len(args)))
	}
	if !f.From.IsZero() {
		add("create_time >=", stamp(f.From))
	}
	if !f.To.IsZero() {
		add("create_time <", stamp(f.To))
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
func (s *Store) Clue(ctx context.Context, id string) (store.Clue, error) {
	var c store.Clue
	err := scanClue(s.pool.QueryRow(ctx, selectClueSQL+` WHERE id = $1`, id), &c)
	if errors.Is(err, pgx.ErrNoRows) {
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
	rows, err := s.pool.Query(ctx, `SELECT changed_at, update_time, intention_id, phone_stat, schedule_id
		FROM clue_history WHERE clue_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("clue history %s: %w", id, err)
	}
	hist, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.HistoryEntry, error) {
		h := store.HistoryEntry{ClueID: id}
		err := r.Scan((*stamp)(&h.ChangedAt), (*stamp)(&h.UpdateTime), &h.IntentionID, &h.PhoneStat, &h.ScheduleID)
		return h, err
	})
	if err != nil {
		return nil, fmt.Errorf("clue history %s: %w", id, err)
	}
	return hist, nil
}

// IterateClues calls fn for each clue matching f, ordered by create_time then
// id, streaming rows from one query: memory stays flat however many clues
// match. It stops at and returns the first error from fn unchanged, and
// stops with an error wrapping ctx.Err() once ctx is done. fn receives the
// same *Clue every time and must not keep it.
func (s *Store) IterateClues(ctx context.Context, f store.ClueFilter, fn func(c *store.Clue) error) error {
	cond, args := where(f)
	qctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rows, err := s.pool.Query(qctx, selectClueSQL+cond+` ORDER BY create_time, id`, args...)
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
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM clues`+cond, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count clues: %w", err)
	}
	return n, nil
}
