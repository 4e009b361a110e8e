package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/store"
)

// Slots computes the free send slots of receiver at now and, when none is
// free, when the next one will be: at the end of a pause, or when the
// oldest of the last sends that fill a budget leaves its window.
func (d *Dialect) Slots(ctx context.Context, db DB, receiver string, now time.Time,
	limits []store.SendLimit) (int, time.Time, error) {
	now = d.AtStore(now)
	var until time.Time
	err := db.QueryRow(ctx, `SELECT until FROM receiver_pause WHERE receiver = `+d.Param(1), receiver).
		Scan(d.ScanTime(&until))
	if err != nil && !errors.Is(err, d.NoRows) {
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
		err := db.QueryRow(ctx, `SELECT count(*), min(sent_at) FROM (SELECT sent_at FROM send_log
			WHERE receiver = `+d.Param(1)+` AND sent_at > `+d.Param(2)+` ORDER BY sent_at DESC LIMIT `+
			d.Param(3)+`) AS recent`, receiver, d.Time(now.Add(-lim.Per)), lim.Max).Scan(&sent, d.ScanTime(&oldest))
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

// TakeSendSlot implements store.Pacing in one transaction, under the
// dialect's LockSlots, so two processes never take the same last slot:
// it records a send to receiver at now if Slots finds one free, and prunes
// sends older than two windows; otherwise it returns when a slot frees.
func (s *Common) TakeSendSlot(ctx context.Context, receiver string, now time.Time,
	limits []store.SendLimit) (bool, time.Time, error) {
	d := s.d
	var ok bool
	var next time.Time
	err := s.tx(ctx)(func(tx DB) error {
		if d.LockSlots != "" {
			if _, err := tx.Exec(ctx, d.LockSlots, receiver); err != nil {
				return err
			}
		}
		free, n, err := d.Slots(ctx, tx, receiver, now, limits)
		if err != nil || free <= 0 {
			next = n
			return err
		}
		ok = true
		if _, err := tx.Exec(ctx, `INSERT INTO send_log (receiver, sent_at) VALUES (`+d.Param(1)+`, `+d.Param(2)+`)`,
			receiver, d.Time(now)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM send_log WHERE receiver = `+d.Param(1)+` AND sent_at <= `+d.Param(2),
			receiver, d.Time(now.Add(-2*store.Longest(limits))))
		return err
	})
	if err != nil {
		return false, time.Time{}, fmt.Errorf("take send slot for %s: %w", receiver, err)
	}
	return ok, next, nil
}
