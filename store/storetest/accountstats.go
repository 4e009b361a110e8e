package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

func testAccountStats(t *testing.T, s store.Store, clk *clock) {
	ctx, now := context.Background(), clk.Now()
	since := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	upsert(t, s, store.UpsertStats{Inserted: 4},
		sampleClue(clueID(1), 11, since.Add(time.Hour)), sampleClue(clueID(2), 11, since.Add(30*time.Minute)),
		sampleClue(clueID(3), 11, since.Add(-2*time.Hour)), sampleClue(clueID(4), 21, since.Add(-48*time.Hour)))
	pulled := now.Add(-time.Minute)
	reauth := "advertiser 14: " + store.ReauthText + ": the refresh token was refused: code 400"
	for id, e := range map[int64]string{11: "", 12: "kuaishou: 40001 busy", 14: reauth, 21: ""} {
		require.NoError(t, s.SaveSyncState(ctx, store.SyncState{AdvertiserID: id, LastRunAt: pulled, LastError: e}))
	}
	a, err := s.PutAuthorization(ctx, agency(900, "a", now))
	require.NoError(t, err)
	b, err := s.PutAuthorization(ctx, agency(901, "b", now))
	require.NoError(t, err)
	for _, set := range []struct {
		auth int64
		ids  []int64
	}{{a, []int64{13, 21, 22, 23, 25}}, {b, []int64{21, 22, 24}}, {a, []int64{13, 21, 23}}} {
		_, _, err := s.SetAdvertisers(ctx, set.auth, set.ids, now)
		require.NoError(t, err)
	}
	_, err = s.ClaimRefresh(ctx, store.RefreshClaim{AuthorizationID: b, Owner: "x", Now: now, Lease: time.Minute})
	require.NoError(t, err)
	_, err = s.FailRefresh(ctx, b, "x", "the refresh token was refused", true, now)
	require.NoError(t, err)

	stats, err := store.AccountStats(ctx, s, []int64{11, 12, 13, 14}, since)
	require.NoError(t, err)
	type line struct {
		ID       int64
		Source   string
		Status   string
		Today    int
		LastClue time.Time
		Pulled   bool
		Error    string
	}
	var got []line
	for _, st := range stats {
		got = append(got, line{st.AdvertiserID, st.Source, st.Status, st.CluesToday, st.LastClue.UTC(),
			st.LastPull.Equal(pulled.Truncate(time.Millisecond)), st.Error})
	}
	authA, authB := "auth:"+itoa(a), "auth:"+itoa(b)
	require.Equal(t, []line{
		{11, store.SourceConfig, store.AccountOK, 2, since.Add(time.Hour), true, ""},
		{12, store.SourceConfig, store.AccountFailing, 0, time.Time{}, true, "kuaishou: 40001 busy"},
		{13, store.SourceConfig, store.AccountNew, 0, time.Time{}, false, ""},            // configured and authorized: config wins
		{14, store.SourceConfig, store.AccountNeedsReauth, 0, time.Time{}, true, reauth}, // its YAML refresh token refused
		{21, authA, store.AccountOK, 0, since.Add(-48 * time.Hour), true, ""},            // the lowest authorization listing it
		{22, authB, store.AccountNeedsReauth, 0, time.Time{}, false, "the refresh token was refused"},
		{23, authA, store.AccountNew, 0, time.Time{}, false, ""},
		{24, authB, store.AccountNeedsReauth, 0, time.Time{}, false, "the refresh token was refused"},
		{25, authA, store.AccountLeft, 0, time.Time{}, false, ""},
	}, got)

	none, err := store.AccountStats(ctx, s, nil, since)
	require.NoError(t, err)
	require.Len(t, none, 6, "authorizations' accounts alone, 13 among them")
	require.Equal(t, "auth:"+itoa(a), none[0].Source)
	acts, err := s.AccountActivity(ctx, nil, since)
	require.NoError(t, err)
	require.Empty(t, acts)
}

func itoa(n int64) string { return fmt.Sprint(n) }
