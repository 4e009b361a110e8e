package sqlite

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
