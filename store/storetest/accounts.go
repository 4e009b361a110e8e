package storetest

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

func leases(t *testing.T, s store.Store) store.AccountLeases {
	t.Helper()
	l, ok := s.(store.AccountLeases)
	require.True(t, ok, "%T must implement store.AccountLeases", s)
	return l
}

func testAccountClaims(t *testing.T, s store.Store, clk *clock) {
	l, ctx, now := leases(t, s), context.Background(), clk.Now()
	all := []int64{101, 102, 103}
	claim := func(owner string, at time.Time, limit int) []int64 {
		got, err := l.ClaimAccounts(ctx, store.AccountClaim{Owner: owner, Now: at, Lease: time.Minute, Accounts: all, Limit: limit})
		require.NoError(t, err)
		return got
	}
	require.Equal(t, []int64{101, 102}, claim("a", now, 2), "never-polled accounts are due")
	require.Equal(t, []int64{103}, claim("b", now, 5), "leased accounts are not")
	require.Empty(t, claim("c", now, 5))
	require.NoError(t, l.ReleaseAccount(ctx, 101, "a", now.Add(30*time.Second), 2))
	require.NoError(t, l.ReleaseAccount(ctx, 103, "a", now.Add(time.Hour), 0), "someone else's lease is left alone")
	p, err := l.AccountPoll(ctx, 101)
	require.NoError(t, err)
	require.Equal(t, 2, p.QuietPolls)
	require.True(t, p.NextPollAt.Equal(now.Add(30*time.Second)))
	require.Empty(t, claim("c", now.Add(10*time.Second), 5), "101 is not due yet; 102 and 103 are leased")
	require.Equal(t, []int64{101, 102, 103}, sorted(claim("c", now.Add(61*time.Second), 5)),
		"due again, and the dead owners' leases have expired")
}

func sorted(ids []int64) []int64 {
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

func testConcurrentAccountClaims(t *testing.T, s store.Store, clk *clock) {
	l, ctx, now := leases(t, s), context.Background(), clk.Now()
	var all []int64
	for i := int64(1); i <= 60; i++ {
		all = append(all, i)
	}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				got, err := l.ClaimAccounts(ctx, store.AccountClaim{Owner: string(rune('a' + g)), Now: now, Lease: time.Minute, Accounts: all, Limit: 4})
				if err != nil || len(got) == 0 {
					return
				}
				mu.Lock()
				for _, id := range got {
					seen[id]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	require.Len(t, seen, 60)
	for id, n := range seen {
		require.Equal(t, 1, n, "account %d claimed by one instance only", id)
	}
}
