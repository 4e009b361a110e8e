package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/consolesql"
)

// Deliveries lists outbox rows, newest first.
func (s *Store) Deliveries(ctx context.Context, q store.DeliveryQuery) ([]store.OutboxItem, error) {
	query, args, err := consolesql.Deliveries(q, outboxColumns, func(int) string { return "?" })
	if err != nil {
		return nil, fmt.Errorf("deliveries: %w", err)
	}
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("deliveries: %w", err)
	}
	items, err := collectOutbox(rows)
	if err != nil {
		return nil, fmt.Errorf("deliveries: %w", err)
	}
	return items, nil
}

// Delivery returns the outbox row with that id.
func (s *Store) Delivery(ctx context.Context, id int64) (store.OutboxItem, error) {
	var it store.OutboxItem
	err := scanOutbox(s.read.QueryRowContext(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE id = ?`, id), &it)
	if errors.Is(err, sql.ErrNoRows) {
		return store.OutboxItem{}, fmt.Errorf("delivery %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.OutboxItem{}, fmt.Errorf("delivery %d: %w", id, err)
	}
	return it, nil
}

// requeueSQL makes dead rows pending, due at ?1, unleased, with attempts
// anew; the last error stays until a send overcomes it.
const requeueSQL = `UPDATE outbox SET state = 'pending', next_at = ?1, attempts = 0,
	lease_owner = '', lease_until = 0 WHERE state = 'dead' AND `

// RequeueDead makes the dead row id pending and due at now.
func (s *Store) RequeueDead(ctx context.Context, id int64, now time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, requeueSQL+`id = ?2`, toMillis(now), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var one int
		err = tx.QueryRowContext(ctx, `SELECT 1 FROM outbox WHERE id = ?`, id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		return store.ErrNotDead
	})
	if err != nil {
		return fmt.Errorf("requeue delivery %d: %w", id, err)
	}
	return nil
}

// RequeueDeadOf makes every dead row of receiver pending and due at now.
func (s *Store) RequeueDeadOf(ctx context.Context, receiver string, now time.Time) (int, error) {
	res, err := s.write.ExecContext(ctx, requeueSQL+`receiver = ?2`, toMillis(now), receiver)
	s.wrote(ctx, err)
	if err != nil {
		return 0, fmt.Errorf("requeue dead of %s: %w", receiver, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("requeue dead of %s: %w", receiver, err)
	}
	return int(n), nil
}

// Overview summarises the outbox and the day from dayStart, reading the
// day's clues from the covering index clues_day only.
func (s *Store) Overview(ctx context.Context, now, dayStart time.Time) (store.Overview, error) {
	stats, err := s.OutboxStats(ctx, now)
	if err != nil {
		return store.Overview{}, fmt.Errorf("overview: %w", err)
	}
	start := toMillis(dayStart)
	rows, err := s.read.QueryContext(ctx, `SELECT (create_time - ?1) / 3600000, routed_at <> 0, routes, count(*)
		FROM clues INDEXED BY clues_day WHERE create_time >= ?1 AND create_time < ?2 GROUP BY 1, 2, 3`,
		start, toMillis(dayStart.Add(24*time.Hour)))
	if err != nil {
		return store.Overview{}, fmt.Errorf("overview: %w", err)
	}
	defer rows.Close()
	var groups []consolesql.DayGroup
	for rows.Next() {
		var g consolesql.DayGroup
		var routes sql.NullString
		if err := rows.Scan(&g.Hour, &g.Routed, &routes, &g.Count); err != nil {
			return store.Overview{}, fmt.Errorf("overview: %w", err)
		}
		if routes.Valid {
			g.Routes = strings.Split(routes.String, listSep)
		}
		groups = append(groups, g)
	}
	if err := rows.Err(); err != nil {
		return store.Overview{}, fmt.Errorf("overview: %w", err)
	}
	return consolesql.Overview(stats, dayStart, groups), nil
}
