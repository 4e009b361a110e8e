package postgres

import (
	"context"
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

// TakeSendSlot implements store.Pacing. The receiver's slots are counted
// and taken under a transaction advisory lock on its name, so two processes
// never take the same last slot; sends older than two windows are pruned.
func (s *Store) TakeSendSlot(ctx context.Context, receiver string, now time.Time,
	limits []store.SendLimit) (bool, time.Time, error) {
	var ok bool
	var next time.Time
	err := s.inTx(ctx, func(tx pgx.Tx) (err error) {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, paceLockClass, receiver); err != nil {
			return err
		}
		ok, next, err = dialect.TakeSlot(ctx, conn{tx}, receiver, now, limits)
		return err
	})
	if err != nil {
		return false, time.Time{}, fmt.Errorf("take send slot for %s: %w", receiver, err)
	}
	return ok, next, nil
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
