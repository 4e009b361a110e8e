package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/store"
)

var (
	_ store.Pacing    = (*Store)(nil)
	_ store.Retention = (*Store)(nil)
)

// paceLockClass is the first key of the transaction advisory locks that
// serialize the send slots of one receiver across processes.
const paceLockClass int32 = 0x70616365 // "pace"

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
