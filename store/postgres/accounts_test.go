package postgres

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// TestAccountLeasesAcrossInstances has three instances split 30 accounts'
// pulls: each account goes to one of them, and a dead instance's accounts
// go to the others once its leases end, its late release then changing
// nothing.
func TestAccountLeasesAcrossInstances(t *testing.T) {
	const accounts, limit = 30, 4
	stores := instances(t, 3)
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	all := make([]int64, accounts)
	for i := range all {
		all[i] = int64(90000000001 + i)
	}
	claimed := make([][]int64, len(stores))
	errs := make([]error, len(stores))
	var wg sync.WaitGroup
	for g, s := range stores {
		wg.Go(func() {
			for range accounts { // a bound, should claims hand accounts out again and again
				got, err := s.ClaimAccounts(context.Background(), store.AccountClaim{Owner: fmt.Sprintf("i%d", g),
					Now: now, Lease: time.Minute, Accounts: all, Limit: limit})
				if err != nil || len(got) == 0 {
					errs[g] = err
					return
				}
				claimed[g] = append(claimed[g], got...)
			}
		})
	}
	wg.Wait()
	var every []int64
	for g := range stores {
		require.NoError(t, errs[g], "instance %d", g)
		every = append(every, claimed[g]...)
	}
	slices.Sort(every)
	require.Equal(t, all, every, "every account leased once")

	d := 0 // the instance that dies: one that holds accounts
	for g := range stores {
		if len(claimed[g]) > len(claimed[d]) {
			d = g
		}
	}
	live := stores[(d+1)%len(stores)]
	for g := range stores { // the others pull and release theirs
		for _, id := range claimed[g] {
			if g != d {
				require.NoError(t, stores[g].ReleaseAccount(t.Context(), id, fmt.Sprintf("i%d", g), now.Add(time.Hour), 0))
			}
		}
	}
	dying := slices.Sorted(slices.Values(claimed[d]))
	require.NoError(t, stores[d].Close())
	claim := func(s *Store, owner string, at time.Time) []int64 {
		got, err := s.ClaimAccounts(t.Context(), store.AccountClaim{Owner: owner, Now: at, Lease: time.Minute,
			Accounts: all, Limit: accounts})
		require.NoError(t, err)
		slices.Sort(got)
		return got
	}
	require.Empty(t, claim(live, "heir", now.Add(time.Minute-time.Millisecond)), "the dead one's leases still run")
	require.Equal(t, dying, claim(live, "heir", now.Add(time.Minute)), "the dead instance's accounts come back")

	late := dying[0]
	require.NoError(t, live.ReleaseAccount(t.Context(), late, fmt.Sprintf("i%d", d), now.Add(time.Hour), 3))
	p, err := live.AccountPoll(t.Context(), late)
	require.NoError(t, err)
	require.Equal(t, store.AccountPoll{AdvertiserID: late, LeaseOwner: "heir", LeaseUntil: now.Add(2 * time.Minute)}, p,
		"the dead owner's late release leaves the new lease and schedule alone")
}

// TestAccountPollUnknown checks that an account never claimed reads back due
// and unleased.
func TestAccountPollUnknown(t *testing.T) {
	s := openTest(t)
	p, err := s.AccountPoll(t.Context(), 42)
	require.NoError(t, err)
	require.Equal(t, store.AccountPoll{AdvertiserID: 42}, p)
	got, err := s.ClaimAccounts(t.Context(), store.AccountClaim{Owner: "i0", Now: time.Now(), Lease: time.Minute,
		Accounts: []int64{42}, Limit: 0})
	require.NoError(t, err)
	require.Empty(t, got, "a zero limit claims nothing")
	_, err = s.ClaimAccounts(t.Context(), store.AccountClaim{Now: time.Now(), Lease: time.Minute,
		Accounts: []int64{42}, Limit: 1})
	require.ErrorContains(t, err, "owner and a positive lease")
}
