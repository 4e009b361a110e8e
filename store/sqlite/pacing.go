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

// TakeSendSlot implements store.Pacing in one IMMEDIATE transaction, so two
// processes never take the same last slot.
func (s *Store) TakeSendSlot(ctx context.Context, receiver string, now time.Time, limits []store.SendLimit) (bool, time.Time, error) {
	var ok bool
	var next time.Time
	err := s.inTx(ctx, func(tx *sql.Tx) (err error) {
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
	_, err := s.write.ExecContext(ctx, `INSERT INTO receiver_pause (receiver, until) VALUES (?, ?)
		ON CONFLICT (receiver) DO UPDATE SET until = max(until, excluded.until)`, receiver, toMillis(until))
	s.wrote(ctx, err)
	if err != nil {
		return fmt.Errorf("pause %s: %w", receiver, err)
	}
	return nil
}
