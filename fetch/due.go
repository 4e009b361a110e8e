package fetch

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/store"
)

// LeaseStore is the store's account leases, which let several instances
// split the accounts' pulls.
type LeaseStore interface {
	ClaimAccounts(ctx context.Context, c store.AccountClaim) ([]int64, error)
	ReleaseAccount(ctx context.Context, advertiserID int64, owner string, next time.Time, quietPolls int) error
	AccountPoll(ctx context.Context, advertiserID int64) (store.AccountPoll, error)
}

// pullLease is how long an instance holds an account for one pull; a dead
// instance's accounts come back to the others when it ends.
const pullLease = 10 * time.Minute

// NextPoll schedules an account's next pull: soon after a pull that found
// new clues (or failed), later and later while it stays quiet, doubling
// from poll_interval up to max_staleness. Hot accounts stay near real time
// and quiet ones cost few calls of the shared API budget.
func (c *Config) NextPoll(now time.Time, found bool, failed bool, quiet int) (time.Time, int) {
	if found || failed {
		return now.Add(c.PollInterval), 0
	}
	quiet++
	wait := c.PollInterval << min(quiet, 16)
	if limit := max(c.MaxStaleness, c.PollInterval); wait > limit {
		wait = limit
	}
	return now.Add(wait), quiet
}

// SyncDue pulls the accounts that are due, leasing each to owner so several
// instances sharing the store split them and never pull one account twice
// at once. It returns the results of the accounts it pulled.
func (s *Syncer) SyncDue(ctx context.Context, ls LeaseStore, owner string) ([]Result, error) {
	ids := make([]int64, len(s.cfg.Accounts))
	byID := make(map[int64]Account, len(s.cfg.Accounts))
	for i, a := range s.cfg.Accounts {
		ids[i], byID[a.AdvertiserID] = a.AdvertiserID, a
	}
	var all []Result
	var errs []error
	batch := max(1, s.cfg.Concurrency) * 4
	for ctx.Err() == nil {
		now := s.now()
		claimed, err := ls.ClaimAccounts(ctx, store.AccountClaim{Owner: owner, Now: now, Lease: pullLease, Accounts: ids, Limit: batch})
		if err != nil {
			return all, fmt.Errorf("claim accounts: %w", err)
		}
		if len(claimed) == 0 {
			break
		}
		accounts := make([]Account, len(claimed))
		for i, id := range claimed {
			accounts[i] = byID[id]
		}
		results, err := s.forEachOf(ctx, accounts, func(a Account) Result {
			r := s.SyncAccount(ctx, a)
			poll, perr := ls.AccountPoll(context.WithoutCancel(ctx), a.AdvertiserID)
			if perr != nil {
				r.Err = errors.Join(r.Err, perr)
			}
			next, quiet := s.cfg.NextPoll(s.now(), r.Stats.Inserted+r.Stats.Updated > 0, r.Err != nil, poll.QuietPolls)
			if rerr := ls.ReleaseAccount(context.WithoutCancel(ctx), a.AdvertiserID, owner, next, quiet); rerr != nil {
				r.Err = errors.Join(r.Err, rerr)
			}
			return r
		})
		all = append(all, results...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return all, errors.Join(errs...)
}
