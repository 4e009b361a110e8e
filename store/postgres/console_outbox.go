package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/consolesql"
)

// Deliveries lists outbox rows, newest first.
func (s *Store) Deliveries(ctx context.Context, q store.DeliveryQuery) ([]store.OutboxItem, error) {
	query, args, err := consolesql.Deliveries(q, outboxColumns, func(n int) string { return "$" + strconv.Itoa(n) })
	if err != nil {
		return nil, fmt.Errorf("deliveries: %w", err)
	}
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("deliveries: %w", err)
	}
	items, err := pgx.CollectRows(rows, scanOutbox)
	if err != nil {
		return nil, fmt.Errorf("deliveries: %w", err)
	}
	return items, nil
}

// Delivery returns the outbox row with that id.
func (s *Store) Delivery(ctx context.Context, id int64) (store.OutboxItem, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE id = $1`, id)
	if err != nil {
		return store.OutboxItem{}, fmt.Errorf("delivery %d: %w", id, err)
	}
	it, err := pgx.CollectExactlyOneRow(rows, scanOutbox)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.OutboxItem{}, fmt.Errorf("delivery %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.OutboxItem{}, fmt.Errorf("delivery %d: %w", id, err)
	}
	return it, nil
}

// requeueSQL makes the dead rows that cond picks pending, due at $1,
// unleased, with attempts anew; the last error stays until a send
// overcomes it. The rows are locked in id order first, as updateOutbox
// does, so that it cannot deadlock with a deliverer.
const requeueSQL = `UPDATE outbox SET state = 'pending', next_at = $1, attempts = 0,
	lease_owner = '', lease_until = '-infinity' WHERE state = 'dead' AND id IN (SELECT id FROM outbox
	WHERE state = 'dead' AND %s ORDER BY id FOR NO KEY UPDATE)`

// RequeueDead makes the dead row id pending and due at now.
func (s *Store) RequeueDead(ctx context.Context, id int64, now time.Time) error {
	var state string
	err := s.pool.QueryRow(ctx, `WITH requeued AS (`+fmt.Sprintf(requeueSQL, "id = $2")+` RETURNING 1)
		SELECT CASE WHEN EXISTS (SELECT 1 FROM requeued) THEN 'requeued' ELSE state END FROM outbox WHERE id = $2`,
		stamp(now), id).Scan(&state)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("requeue delivery %d: %w", id, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("requeue delivery %d: %w", id, err)
	case state != "requeued":
		return fmt.Errorf("requeue delivery %d: %w", id, store.ErrNotDead)
	}
	return nil
}

// RequeueDeadOf makes every dead row of receiver pending and due at now.
func (s *Store) RequeueDeadOf(ctx context.Context, receiver string, now time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, fmt.Sprintf(requeueSQL, "receiver = $2"), stamp(now), receiver)
	if err != nil {
		return 0, fmt.Errorf("requeue dead of %s: %w", receiver, err)
	}
	return int(tag.RowsAffected()), nil
}

// Overview summarises the outbox and the day from dayStart, reading the
// day's clues from the covering index clues_day.
func (s *Store) Overview(ctx context.Context, now, dayStart time.Time) (store.Overview, error) {
	stats, err := s.OutboxStats(ctx, now)
	if err != nil {
		return store.Overview{}, fmt.Errorf("overview: %w", err)
	}
	rows, err := s.pool.Query(ctx, `SELECT floor(extract(epoch FROM create_time - $1) / 3600)::int,
		routed_at <> '-infinity', routes, count(*)::int
		FROM clues WHERE create_time >= $1 AND create_time < $2 GROUP BY 1, 2, 3`,
		stamp(dayStart), stamp(dayStart.Add(24*time.Hour)))
	if err != nil {
		return store.Overview{}, fmt.Errorf("overview: %w", err)
	}
	groups, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (consolesql.DayGroup, error) {
		var g consolesql.DayGroup
		err := r.Scan(&g.Hour, &g.Routed, &g.Routes, &g.Count)
		return g, err
	})
	if err != nil {
		return store.Overview{}, fmt.Errorf("overview: %w", err)
	}
	return consolesql.Overview(stats, dayStart, groups), nil
}
