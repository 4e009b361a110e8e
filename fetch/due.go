package fetch

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
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

// NextPoll schedules an account's next pull. A failed pull is tried again
// after poll_interval. After a pull that found new clues the account is hot: it is pulled every poll_interval
// while it stays quiet for up to hot_window, since leads come in bursts and
// a lead waiting for the next poll goes cold. After that it backs off,
// doubling from poll_interval up to max_staleness, so quiet accounts cost few
// calls of the shared API budget. quiet counts the pulls in a row that found
// nothing; NextPoll returns the next time and the new count.
func (c *Config) NextPoll(now time.Time, found bool, failed bool, quiet int) (time.Time, int) {
	if found {
		return now.Add(c.PollInterval), 0
	}
	if failed { // try again soon, but a failure does not make it hot
		return now.Add(c.PollInterval), quiet
	}
	hot, settled := c.hotPolls(), c.settledPolls()
	quiet = min(quiet+1, settled)
	if quiet <= hot {
		return now.Add(c.PollInterval), quiet
	}
	wait := c.PollInterval << min(quiet-hot, 16)
	if limit := max(c.MaxStaleness, c.PollInterval); wait > limit {
		wait = limit
	}
	return now.Add(wait), quiet
}

// hotPolls is how many quiet pulls in a row an account stays hot for:
// hot_window in poll intervals.
func (c *Config) hotPolls() int {
	if c.PollInterval <= 0 || c.HotWindow <= 0 {
		return 0
	}
	return int((c.HotWindow + c.PollInterval - 1) / c.PollInterval)
}

// settledPolls is the quiet count at which the back-off has reached
// max_staleness. An account whose first pull finds nothing starts there:
// with thousands of accounts, most are quiet, and ramping each of them up
// from poll_interval would spend the API budget the hot ones need.
func (c *Config) settledPolls() int {
	steps := 0
	for c.PollInterval > 0 && steps < 16 && c.PollInterval<<steps < c.MaxStaleness {
		steps++
	}
	return c.hotPolls() + steps
}

// spread moves a first quiet account's next pull, max_staleness away, to a
// random time between poll_interval and max_staleness from now. The first
// cycle of thousands of accounts is packed into the minutes the API budget
// allows; without the spread they would stay packed, due all together
// every max_staleness, and starve the hot accounts then.
func (c *Config) spread(next time.Time) time.Time {
	span := max(c.MaxStaleness, c.PollInterval) - c.PollInterval
	if span <= 0 {
		return next
	}
	return next.Add(-time.Duration(rand.Int64N(int64(span))))
}

// StalenessCalls is the fewest API calls a minute that polling every
// configured account at least every max_staleness takes; hot accounts take
// more.
func (c *Config) StalenessCalls() int { return c.BudgetCalls(len(c.Accounts)) }

// BudgetCalls is StalenessCalls for n accounts: those of cluebot.yaml and
// of the store's authorizations together, as `run` counts them.
func (c *Config) BudgetCalls(n int) int {
	every := max(c.MaxStaleness, c.PollInterval)
	if every <= 0 {
		return 0
	}
	return int((int64(n)*int64(time.Minute) + int64(every) - 1) / int64(every))
}

// CheckBudget reports, naming kuaishou.calls_per_minute, when the budget
// cannot poll n accounts at least every max_staleness; nil without a
// budget.
func (c *Config) CheckBudget(n int) error {
	if c.CallsPerMinute <= 0 || c.BudgetCalls(n) <= c.CallsPerMinute {
		return nil
	}
	return fmt.Errorf("kuaishou.calls_per_minute: %d accounts polled at least every %s take %d calls a minute, more than %d; raise max_staleness or the budget",
		n, max(c.MaxStaleness, c.PollInterval), c.BudgetCalls(n), c.CallsPerMinute)
}

// CycleCalls is the API calls a minute that pulling n accounts every
// poll_interval takes, at one call an account: what an instance that does
// not poll adaptively asks for.
func (c *Config) CycleCalls(n int) int {
	if c.PollInterval <= 0 {
		return 0
	}
	return int((int64(n)*int64(time.Minute) + int64(c.PollInterval) - 1) / int64(c.PollInterval))
}

// RateCalls is how many calls a minute kuaishou.qps lets one instance
// make; 0 when qps is 0 (unlimited).
func (c *Config) RateCalls() int { return int(c.QPS * 60) }

// CheckRate reports, naming kuaishou.qps, when an instance that pulls
// every account each poll_interval (no calls_per_minute, no shared store)
// cannot finish a cycle of n accounts within poll_interval at qps: alerts
// then wait for the whole cycle. nil when it can, or qps is unlimited.
func (c *Config) CheckRate(n int) error {
	if c.QPS <= 0 || c.CycleCalls(n) <= c.RateCalls() {
		return nil
	}
	cycle := time.Duration(float64(n) / c.QPS * float64(time.Second)).Round(time.Second)
	hint := fmt.Sprintf("set kuaishou.calls_per_minute (at most qps × 60 = %d) to poll adaptively: busy accounts every poll_interval, quiet ones every max_staleness (%d calls a minute for %d accounts)",
		c.RateCalls(), c.BudgetCalls(n), n)
	if c.BudgetCalls(n) > c.RateCalls() {
		hint += ", and raise kuaishou.qps or max_staleness"
	}
	return fmt.Errorf("kuaishou.qps: %d accounts pulled every poll_interval (%s) take %d calls a minute, more than qps %g allows (%d): a cycle takes about %s; %s",
		n, c.PollInterval, c.CycleCalls(n), c.QPS, c.RateCalls(), cycle, hint)
}

// SyncDue pulls the accounts that are due, leasing each to owner so several
// instances sharing the store split them and never pull one account twice
// at once. It returns the results of the accounts it pulled. It stops
// claiming after one poll_interval, so that the caller routes and delivers
// what was found while a long backlog (the first cycle of thousands of
// accounts under an API budget) is still being worked off; the next call
// goes on with the accounts still due.
func (s *Syncer) SyncDue(ctx context.Context, ls LeaseStore, owner string) ([]Result, error) {
	accounts, aerr := s.Accounts(ctx)
	ids := make([]int64, len(accounts))
	byID := make(map[int64]Account, len(accounts))
	for i, a := range accounts {
		ids[i], byID[a.AdvertiserID] = a.AdvertiserID, a
	}
	var all []Result
	errs := []error{aerr}
	batch := max(1, s.cfg.Concurrency) * 4
	start := s.now()
	for ctx.Err() == nil {
		now := s.now()
		if len(all) > 0 && now.Sub(start) >= s.cfg.PollInterval {
			break
		}
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
			found, first := r.Stats.Inserted+r.Stats.Updated > 0, poll.NextPollAt.IsZero()
			if !found && r.Err == nil && s.Hot != nil {
				// Leads waiting for a follow-up are re-read every poll
				// interval, so a call is noticed in time (one index probe).
				hot, herr := s.Hot(context.WithoutCancel(ctx), a.AdvertiserID)
				if herr != nil {
					s.log.Warn("open follow-ups not read; account polled as usual", "advertiser_id", a.AdvertiserID, "err", herr)
				}
				found = hot
			}
			quiet := poll.QuietPolls
			if first { // quiet unless its first pull finds clues
				quiet = s.cfg.settledPolls()
			}
			next, quiet := s.cfg.NextPoll(s.now(), found, r.Err != nil, quiet)
			if first && !found && r.Err == nil {
				next = s.cfg.spread(next)
			}
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
