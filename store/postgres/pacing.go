package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
)

var (
	_ store.Pacing    = (*Store)(nil)
	_ store.Retention = (*Store)(nil)
)

// paceLockClass is the first key of the transaction advisory locks that
// serialize the send slots of one receiver across processes.
const paceLockClass int32 = 0x70616365 // "pace"

// querier is a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// slots computes the free send slots of receiver at now and, when none is
// free, when the next one will be: at the end of a pause, or when the
// oldest of the last sends that fill a budget leaves its window.
func slots(ctx context.Context, q querier, receiver string, now time.Time, limits []store.SendLimit) (int, time.Time, error) {
	now = atStore(now)
	var until time.Time
	err := q.QueryRow(ctx, `SELECT until FROM receiver_pause WHERE receiver = $1`, receiver).Scan((*stamp)(&until))
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return 0, time.Time{}, err
	}
	if until.After(now) {
		return 0, until, nil
	}
	free, next := 1<<30, time.Time{}
	for _, lim := range limits {
		if lim.Max <= 0 {
			continue
		}
		// The count and the oldest of the last lim.Max sends in the window:
		// one row, however big the budget (the API's is thousands).
		var sent int
		var oldest time.Time
		err := q.QueryRow(ctx, `SELECT count(*), min(sent_at) FROM (SELECT sent_at FROM send_log
			WHERE receiver = $1 AND sent_at > $2 ORDER BY sent_at DESC LIMIT $3) AS last`,
			receiver, stamp(now.Add(-lim.Per)), lim.Max).Scan(&sent, (*stamp)(&oldest))
		if err != nil {
			return 0, time.Time{}, err
		}
		free = min(free, lim.Max-sent)
		if sent >= lim.Max {
			// The oldest of them frees its slot when it leaves the window.
			if t := oldest.Add(lim.Per); t.After(next) {
				next = t
			}
		}
	}
	return max(free, 0), next, nil
}

// TakeSendSlot implements store.Pacing. The receiver's slots are counted
// and taken under a transaction advisory lock on its name, so two processes
// never take the same last slot; sends older than two windows are pruned.
func (s *Store) TakeSendSlot(ctx context.Context, receiver string, now time.Time,
	limits []store.SendLimit) (bool, time.Time, error) {
	var ok bool
	var next time.Time
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, paceLockClass, receiver); err != nil {
			return err
		}
		free, n, err := slots(ctx, tx, receiver, now, limits)
		if err != nil || free <= 0 {
			next = n
			return err
		}
		ok = true
		if _, err := tx.Exec(ctx, `INSERT INTO send_log (receiver, sent_at) VALUES ($1, $2)`, receiver, stamp(now)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM send_log WHERE receiver = $1 AND sent_at <= $2`, receiver,
			stamp(now.Add(-2*store.Longest(limits))))
		return err
	})
	if err != nil {
		return false, time.Time{}, fmt.Errorf("take send slot for %s: %w", receiver, err)
	}
	return ok, next, nil
}

// SendSlotsFree implements store.Pacing.
func (s *Store) SendSlotsFree(ctx context.Context, receiver string, now time.Time,
	limits []store.SendLimit) (int, error) {
	free, _, err := slots(ctx, s.pool, receiver, now, limits)
	if err != nil {
		return 0, fmt.Errorf("free send slots for %s: %w", receiver, err)
	}
	return free, nil
}

// PauseReceiver implements store.Pacing; a later pause wins.
func (s *Store) PauseReceiver(ctx context.Context, receiver string, until time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO receiver_pause (receiver, until) VALUES ($1, $2)
		ON CONFLICT (receiver) DO UPDATE SET until = greatest(receiver_pause.until, excluded.until)`,
		receiver, stamp(until))
	if err != nil {
		return fmt.Errorf("pause %s: %w", receiver, err)
	}
	return nil
}

// DeleteCluesBefore implements store.Retention: the clues created before t
// and, by cascade, their history and outbox rows, in one statement.
func (s *Store) DeleteCluesBefore(ctx context.Context, t time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM clues WHERE create_time < $1`, stamp(t))
	if err != nil {
		return 0, fmt.Errorf("delete clues before %s: %w", t.Format(time.DateOnly), err)
	}
	return int(tag.RowsAffected()), nil
}
