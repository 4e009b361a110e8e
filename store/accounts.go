package store

import (
	"context"
	"time"
)

// AccountClaim asks for accounts due for a pull. Among Accounts, an account
// is due when it was never polled or its next poll time has come, and free
// when no other owner's lease on it is running.
type AccountClaim struct {
	Owner    string
	Now      time.Time
	Lease    time.Duration
	Accounts []int64
	Limit    int
}

// AccountPoll is an account's poll schedule.
type AccountPoll struct {
	AdvertiserID int64
	NextPollAt   time.Time // zero: never polled, due now
	QuietPolls   int       // consecutive pulls that found nothing new
	LeaseOwner   string
	LeaseUntil   time.Time
}

// AccountLeases shares the accounts' pulls between instances: each due
// account is leased to one instance for its pull, so no account is pulled by
// two at once, and a dead instance's leases expire.
type AccountLeases interface {
	// ClaimAccounts leases up to c.Limit due, free accounts to c.Owner until
	// c.Now+c.Lease, most overdue first (never polled before all).
	ClaimAccounts(ctx context.Context, c AccountClaim) ([]int64, error)
	// ReleaseAccount ends owner's lease and schedules the account's next poll.
	ReleaseAccount(ctx context.Context, advertiserID int64, owner string, next time.Time, quietPolls int) error
	// AccountPoll returns an account's poll schedule (zero values when never polled).
	AccountPoll(ctx context.Context, advertiserID int64) (AccountPoll, error)
}
