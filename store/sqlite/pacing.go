package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/store"
)

var (
	_ store.Pacing    = (*Store)(nil)
	_ store.Retention = (*Store)(nil)
)

// slots computes the free slots of receiver at now inside tx, and when none
// is free, when the next one will be.
func slots(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, receiver string, now time.Time, limits []store.SendLimit) (int, time.Time, error) {
	var until int64
	err := q.QueryRowContext(ctx, `SELECT until FROM receiver_pause WHERE receiver = ?`, receiver).Scan(&until)
	if err != nil && err != sql.ErrNoRows {
		return 0, time.Time{}, err
	}
	if until > toMillis(now) {
		return 0, fromMillis(until), nil
	}
	free, next := 1<<30, time.Time{}
	for _, lim := range limits {
		if lim.Max <= 0 {
			continue
		}
		rows, err := q.QueryContext(ctx, `SELECT sent_at FROM send_log WHERE receiver = ? AND sent_at > ? ORDER BY sent_at DESC LIMIT ?`,
			receiver, toMillis(now.Add(-lim.Per)), lim.Max)
		if err != nil {
			return 0, time.Time{}, err
		}
		var times []int64
		for rows.Next() {
			var t int64
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return 0, time.Time{}, err
			}
			times = append(times, t)
		}
		rows.Close()
		if f := lim.Max - len(times); f < free {
			free = f
		}
		if len(times) >= lim.Max {
			// The oldest of the last Max sends frees its slot when it leaves the window.
			if t := fromMillis(times[len(times)-1]).Add(lim.Per); t.After(next) {
				next = t
			}
		}
	}
	return max(free, 0), next, nil
}

// TakeSendSlot implements store.Pacing in one IMMEDIATE transaction, so two
// processes never take the same last slot.
func (s *Store) TakeSendSlot(ctx context.Context, receiver string, now time.Time, limits []store.SendLimit) (bool, time.Time, error) {
	var ok bool
	var next time.Time
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		free, n, err := slots(ctx, tx, receiver, now, limits)
		if err != nil {
			return err
		}
		if free <= 0 {
			next = n
			return nil
		}
		ok = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO send_log (receiver, sent_at) VALUES (?, ?)`, receiver, toMillis(now)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM send_log WHERE receiver = ? AND sent_at <= ?`, receiver, toMillis(now.Add(-2*store.Longest(limits))))
		return err
	})
	if err != nil {
		return false, time.Time{}, fmt.Errorf("take send slot for %s: %w", receiver, err)
	}
	return ok, next, nil
}

// SendSlotsFree implements store.Pacing.
func (s *Store) SendSlotsFree(ctx context.Context, receiver string, now time.Time, limits []store.SendLimit) (int, error) {
	free, _, err := slots(ctx, s.read, receiver, now, limits)
	if err != nil {
		return 0, fmt.Errorf("free send slots for %s: %w", receiver, err)
	}
	return free, nil
}

// PauseReceiver implements store.Pacing; a later pause wins.
func (s *Store) PauseReceiver(ctx context.Context, receiver string, until time.Time) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO receiver_pause (receiver, until) VALUES (?, ?)
		ON CONFLICT (receiver) DO UPDATE SET until = max(until, excluded.until)`, receiver, toMillis(until))
	s.wrote(ctx, err)
	if err != nil {
		return fmt.Errorf("pause %s: %w", receiver, err)
	}
	return nil
}

// DeleteCluesBefore implements store.Retention: the clues and, by cascade,
// their history and outbox rows.
func (s *Store) DeleteCluesBefore(ctx context.Context, t time.Time) (int, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM clues WHERE create_time < ?`, toMillis(t))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delete clues before %s: %w", t.Format(time.DateOnly), err)
	}
	return int(n), nil
}
