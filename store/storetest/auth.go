package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
)

// agency returns an agency authorization of advertiser id with tokens
// that carry tag.
func agency(id int64, tag string, now time.Time) store.Authorization {
	return store.Authorization{Type: store.AuthAgent, AdvertiserID: id, UserID: 7001,
		AuthTokens: store.AuthTokens{AccessToken: secret.String("acc-" + secretTag(tag)), RefreshToken: secret.String("ref-" + secretTag(tag)),
			AccessExpiresAt: now.Add(2 * 24 * time.Hour), RefreshExpiresAt: now.Add(30 * 24 * time.Hour)}}
}

func secretTag(tag string) string { return "e5c0f2a9" + tag }

func testAuthorizations(t *testing.T, s store.Store, clk *clock) {
	ctx, now := context.Background(), clk.Now()
	id, err := s.PutAuthorization(ctx, agency(900, "a", now))
	require.NoError(t, err)
	require.Positive(t, id)
	got, err := s.Authorization(ctx, id)
	require.NoError(t, err)
	require.Equal(t, store.AuthAgent, got.Type)
	require.Equal(t, int64(900), got.AdvertiserID)
	require.Equal(t, int64(7001), got.UserID)
	require.Equal(t, "acc-"+secretTag("a"), got.AccessToken.Reveal())
	require.Equal(t, "ref-"+secretTag("a"), got.RefreshToken.Reveal())
	require.True(t, got.AccessExpiresAt.Equal(now.Add(48*time.Hour).Truncate(time.Millisecond)))
	require.True(t, got.CreatedAt.Equal(now.Truncate(time.Millisecond)))
	require.Equal(t, store.AuthOK, got.Status)

	// An advertiser's own authorization of the same id is another one.
	single := agency(900, "b", now)
	single.Type = store.AuthAdvertiser
	id2, err := s.PutAuthorization(ctx, single)
	require.NoError(t, err)
	require.NotEqual(t, id, id2)

	// Authorizing again replaces the tokens, keeps the id and the creation.
	clk.Advance(time.Hour)
	again := agency(900, "c", clk.Now())
	id3, err := s.PutAuthorization(ctx, again)
	require.NoError(t, err)
	require.Equal(t, id, id3)
	all, err := s.Authorizations(ctx)
	require.NoError(t, err)
	require.Len(t, all, 2)
	require.Equal(t, id, all[0].ID)
	require.Equal(t, "acc-"+secretTag("c"), all[0].AccessToken.Reveal())
	require.True(t, all[0].CreatedAt.Equal(now.Truncate(time.Millisecond)))
	require.True(t, all[0].UpdatedAt.After(all[0].CreatedAt))

	_, err = s.Authorization(ctx, 424242)
	require.ErrorIs(t, err, store.ErrNotFound)
	for name, bad := range map[string]store.Authorization{
		"type":      {Type: "user", AdvertiserID: 1, AuthTokens: again.AuthTokens},
		"no id":     {Type: store.AuthAgent, AuthTokens: again.AuthTokens},
		"no tokens": {Type: store.AuthAgent, AdvertiserID: 1},
	} {
		_, err := s.PutAuthorization(ctx, bad)
		require.Error(t, err, name)
		require.NotContains(t, err.Error(), secretTag("c"), "errors never hold a token")
	}
}

func testAuthAdvertisers(t *testing.T, s store.Store, clk *clock) {
	ctx, now := context.Background(), clk.Now()
	id, err := s.PutAuthorization(ctx, agency(900, "a", now))
	require.NoError(t, err)
	added, left, err := s.SetAdvertisers(ctx, id, []int64{3, 1, 2, 900, 2}, now)
	require.NoError(t, err)
	require.Equal(t, []int64{1, 2, 3}, added, "sorted, once each, without the agency's own account")
	require.Empty(t, left)

	later := clk.Advance(time.Hour)
	added, left, err = s.SetAdvertisers(ctx, id, []int64{1, 3, 4}, later)
	require.NoError(t, err)
	require.Equal(t, []int64{4}, added)
	require.Equal(t, []int64{2}, left)
	a, err := s.Authorization(ctx, id)
	require.NoError(t, err)
	require.Equal(t, 3, a.Advertisers)

	vs, err := s.AuthAdvertisers(ctx, id)
	require.NoError(t, err)
	require.Len(t, vs, 4)
	require.Equal(t, int64(2), vs[1].AdvertiserID)
	require.Equal(t, store.AdvertiserLeft, vs[1].Status)
	require.True(t, vs[1].LeftAt.Equal(later.Truncate(time.Millisecond)))
	require.True(t, vs[1].FirstSeen.Equal(now.Truncate(time.Millisecond)))
	require.Equal(t, store.AuthOK, vs[1].AuthStatus)

	// A returning advertiser is added again and keeps when it was first seen.
	added, left, err = s.SetAdvertisers(ctx, id, []int64{1, 2, 3, 4}, clk.Advance(time.Hour))
	require.NoError(t, err)
	require.Equal(t, []int64{2}, added)
	require.Empty(t, left)
	vs, err = s.AuthAdvertisers(ctx, id)
	require.NoError(t, err)
	require.Equal(t, store.AdvertiserActive, vs[1].Status)
	require.True(t, vs[1].LeftAt.IsZero())
	require.True(t, vs[1].FirstSeen.Equal(now.Truncate(time.Millisecond)))

	// A single advertiser's authorization covers its own id; 0 lists all.
	single := agency(5, "s", now)
	single.Type = store.AuthAdvertiser
	id2, err := s.PutAuthorization(ctx, single)
	require.NoError(t, err)
	added, _, err = s.SetAdvertisers(ctx, id2, []int64{5}, now)
	require.NoError(t, err)
	require.Equal(t, []int64{5}, added)
	vs, err = s.AuthAdvertisers(ctx, 0)
	require.NoError(t, err)
	require.Len(t, vs, 5)
	require.Equal(t, id2, vs[4].AuthorizationID)

	_, _, err = s.SetAdvertisers(ctx, 424242, []int64{1}, now)
	require.ErrorIs(t, err, store.ErrNotFound)
	// Everything leaves: an empty list is an answer, not an error.
	_, left, err = s.SetAdvertisers(ctx, id2, nil, now)
	require.NoError(t, err)
	require.Equal(t, []int64{5}, left)
}

func testRefreshLease(t *testing.T, s store.Store, clk *clock) {
	ctx, now := context.Background(), clk.Now()
	id, err := s.PutAuthorization(ctx, agency(900, "a", now))
	require.NoError(t, err)
	claim := func(owner string, at time.Time) (store.Authorization, error) {
		return s.ClaimRefresh(ctx, store.RefreshClaim{AuthorizationID: id, Owner: owner, Now: at, Lease: time.Minute})
	}
	a, err := claim("a", now)
	require.NoError(t, err)
	require.Equal(t, "ref-"+secretTag("a"), a.RefreshToken.Reveal(), "the claim hands out the current pair")
	_, err = claim("b", now.Add(30*time.Second))
	require.ErrorIs(t, err, store.ErrLeased)
	_, err = claim("a", now.Add(30*time.Second))
	require.NoError(t, err, "the owner may claim again")

	fresh := store.AuthTokens{AccessToken: secret.String("acc-" + secretTag("n")), RefreshToken: secret.String("ref-" + secretTag("n")),
		AccessExpiresAt: now.Add(48 * time.Hour), RefreshExpiresAt: now.Add(60 * 24 * time.Hour)}
	require.ErrorIs(t, s.ReplaceTokens(ctx, id, "b", fresh, now), store.ErrLeaseLost)
	require.NoError(t, s.ReplaceTokens(ctx, id, "a", fresh, now))
	got, err := s.Authorization(ctx, id)
	require.NoError(t, err)
	require.Equal(t, "ref-"+secretTag("n"), got.RefreshToken.Reveal())
	require.ErrorIs(t, s.ReplaceTokens(ctx, id, "a", fresh, now), store.ErrLeaseLost, "saving ends the lease")

	b, err := claim("b", now.Add(time.Second))
	require.NoError(t, err, "free again once saved")
	require.Equal(t, "ref-"+secretTag("n"), b.RefreshToken.Reveal(), "b sees a's refresh and need not call")
	_, err = claim("c", now.Add(2*time.Minute))
	require.NoError(t, err, "b died: its lease expires")

	_, err = s.FailRefresh(ctx, id, "b", "refused", true, now)
	require.ErrorIs(t, err, store.ErrLeaseLost)
	first, err := s.FailRefresh(ctx, id, "c", "network down", false, now)
	require.NoError(t, err)
	require.False(t, first)
	got, err = s.Authorization(ctx, id)
	require.NoError(t, err)
	require.Equal(t, store.AuthOK, got.Status, "a passing failure needs no re-auth")
	require.Equal(t, "network down", got.LastError)
	for i, want := range []bool{true, false} {
		_, err = claim("c", now.Add(time.Duration(i+3)*time.Minute))
		require.NoError(t, err)
		first, err = s.FailRefresh(ctx, id, "c", "refresh token refused", true, now)
		require.NoError(t, err)
		require.Equal(t, want, first, "needs-reauth is news once")
	}
	got, err = s.Authorization(ctx, id)
	require.NoError(t, err)
	require.Equal(t, store.AuthNeedsReauth, got.Status)
	_, err = s.PutAuthorization(ctx, agency(900, "z", now))
	require.NoError(t, err)
	got, err = s.Authorization(ctx, id)
	require.NoError(t, err)
	require.Equal(t, store.AuthOK, got.Status, "authorizing again heals it")
	require.Empty(t, got.LastError)

	// Authorized again while a refresh is in flight: the new pair ends the
	// lease, so the refused old refresh token marks nothing.
	_, err = claim("d", now.Add(10*time.Minute))
	require.NoError(t, err)
	_, err = s.PutAuthorization(ctx, agency(900, "y", now))
	require.NoError(t, err)
	_, err = s.FailRefresh(ctx, id, "d", "refresh token refused", true, now)
	require.ErrorIs(t, err, store.ErrLeaseLost)
	require.ErrorIs(t, s.ReplaceTokens(ctx, id, "d", fresh, now), store.ErrLeaseLost)
	got, err = s.Authorization(ctx, id)
	require.NoError(t, err)
	require.Equal(t, store.AuthOK, got.Status)
	require.Equal(t, "ref-"+secretTag("y"), got.RefreshToken.Reveal(), "the approval's pair stays")
	_, err = s.ClaimRefresh(ctx, store.RefreshClaim{AuthorizationID: 424242, Owner: "a", Now: now, Lease: time.Minute})
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testConcurrentRefreshClaims(t *testing.T, s store.Store, clk *clock) {
	ctx, now := context.Background(), clk.Now()
	id, err := s.PutAuthorization(ctx, agency(900, "a", now))
	require.NoError(t, err)
	var won sync.Map
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			owner := fmt.Sprintf("instance-%d", g)
			_, err := s.ClaimRefresh(ctx, store.RefreshClaim{AuthorizationID: id, Owner: owner, Now: now, Lease: time.Minute})
			if err == nil {
				won.Store(owner, true)
			} else if !errors.Is(err, store.ErrLeased) {
				t.Errorf("claim: %v", err)
			}
		}()
	}
	wg.Wait()
	n := 0
	won.Range(func(any, any) bool { n++; return true })
	require.Equal(t, 1, n, "one refresh per authorization")
}
