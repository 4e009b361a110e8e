package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/store"
)

// ReleaseAccount ends owner's lease on the account and schedules its next
// poll. A lease another owner has taken over since is left alone.
func (s *Common) ReleaseAccount(ctx context.Context, advertiserID int64, owner string, next time.Time,
	quiet int) error {
	_, err := s.write.Exec(ctx, `UPDATE account_poll SET next_poll_at = `+s.d.Param(3)+`, quiet_polls = `+s.d.Param(4)+
		`, lease_owner = '', lease_until = `+s.d.Zero+` WHERE advertiser_id = `+s.d.Param(1)+` AND lease_owner = `+
		s.d.Param(2), advertiserID, owner, s.d.Time(next), quiet)
	if err != nil {
		return fmt.Errorf("release account %d: %w", advertiserID, err)
	}
	return nil
}

// AccountPoll returns an account's poll schedule; an account never claimed
// has the zero schedule: due now, unleased.
func (s *Common) AccountPoll(ctx context.Context, advertiserID int64) (store.AccountPoll, error) {
	p := store.AccountPoll{AdvertiserID: advertiserID}
	err := s.read.QueryRow(ctx, `SELECT next_poll_at, quiet_polls, lease_owner, lease_until FROM account_poll
		WHERE advertiser_id = `+s.d.Param(1), advertiserID).
		Scan(s.d.ScanTime(&p.NextPollAt), &p.QuietPolls, &p.LeaseOwner, s.d.ScanTime(&p.LeaseUntil))
	if err != nil && !errors.Is(err, s.d.NoRows) {
		return store.AccountPoll{}, fmt.Errorf("account poll %d: %w", advertiserID, err)
	}
	return p, nil
}
