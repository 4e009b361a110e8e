package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
)

// normalizeSync returns st with every time in UTC.
func normalizeSync(st store.SyncState) store.SyncState {
	st.SyncedTo, st.LastRunAt, st.LastSuccessAt = st.SyncedTo.UTC(), st.LastRunAt.UTC(), st.LastSuccessAt.UTC()
	return st
}

// normalizeToken returns tok with every time in UTC.
func normalizeToken(tok store.Token) store.Token {
	tok.AccessExpiresAt, tok.RefreshExpiresAt = tok.AccessExpiresAt.UTC(), tok.RefreshExpiresAt.UTC()
	tok.UpdatedAt = tok.UpdatedAt.UTC()
	return tok
}

func testSyncState(t *testing.T, s store.Store, _ *clock) {
	_, err := s.SyncState(t.Context(), 1)
	require.ErrorIs(t, err, store.ErrNotFound)

	at := time.Date(2025, 3, 1, 12, 0, 0, 0, vendorZone)
	states := []struct {
		name string
		st   store.SyncState
	}{
		{"never synced", store.SyncState{AdvertiserID: 1, LastRunAt: at, LastError: "鉴权失败: token expired"}},
		{"synced", store.SyncState{AdvertiserID: 1, SyncedTo: at.Add(-time.Minute), LastRunAt: at.Add(time.Second),
			LastSuccessAt: at.Add(time.Second + 999*time.Millisecond)}},
		{"failed after success", store.SyncState{AdvertiserID: 1, SyncedTo: at.Add(-time.Minute),
			LastRunAt: at.Add(time.Hour), LastSuccessAt: at.Add(time.Second), LastError: "http 502"}},
	}
	for _, tt := range states {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, s.SaveSyncState(t.Context(), tt.st))
			got, err := s.SyncState(t.Context(), tt.st.AdvertiserID)
			require.NoError(t, err)
			require.Equal(t, normalizeSync(tt.st), normalizeSync(got))
		})
	}

	other := store.SyncState{AdvertiserID: 2, SyncedTo: at}
	require.NoError(t, s.SaveSyncState(t.Context(), other))
	got, err := s.SyncState(t.Context(), 2)
	require.NoError(t, err)
	require.Equal(t, normalizeSync(other), normalizeSync(got))
	got, err = s.SyncState(t.Context(), 1)
	require.NoError(t, err)
	require.Equal(t, "http 502", got.LastError, "saving one account leaves the others alone")
	_, err = s.SyncState(t.Context(), 3)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testToken(t *testing.T, s store.Store, _ *clock) {
	_, err := s.Token(t.Context(), 1)
	require.ErrorIs(t, err, store.ErrNotFound)

	at := time.Date(2025, 3, 1, 12, 0, 0, 456e6, vendorZone)
	tokens := []struct {
		name string
		tok  store.Token
	}{
		{"configured", store.Token{AdvertiserID: 1, AccessToken: "acc-1", RefreshToken: "ref-1", Seed: "seed-a"}},
		{"refreshed", store.Token{AdvertiserID: 1, AccessToken: "acc-2", RefreshToken: "ref-2",
			AccessExpiresAt: at.Add(2 * time.Hour), RefreshExpiresAt: at.Add(30 * 24 * time.Hour),
			Seed: "seed-a", UpdatedAt: at}},
		{"reauthorised", store.Token{AdvertiserID: 1, AccessToken: "acc-3 'quoted' \"x\"", RefreshToken: "ref-3;--",
			AccessExpiresAt: at.Add(4 * time.Hour), Seed: "seed-b", UpdatedAt: at.Add(time.Hour)}},
	}
	for _, tt := range tokens {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, s.SaveToken(t.Context(), tt.tok))
			got, err := s.Token(t.Context(), tt.tok.AdvertiserID)
			require.NoError(t, err)
			require.Equal(t, tt.tok.AccessToken.Reveal(), got.AccessToken.Reveal())
			require.Equal(t, tt.tok.RefreshToken.Reveal(), got.RefreshToken.Reveal())
			require.Equal(t, normalizeToken(tt.tok), normalizeToken(got))
		})
	}

	other := store.Token{AdvertiserID: 2, AccessToken: secret.String("acc-other"), RefreshToken: "ref-other"}
	require.NoError(t, s.SaveToken(t.Context(), other))
	got, err := s.Token(t.Context(), 1)
	require.NoError(t, err)
	require.Equal(t, "ref-3;--", got.RefreshToken.Reveal(), "saving one account leaves the others alone")
	got, err = s.Token(t.Context(), 2)
	require.NoError(t, err)
	require.Equal(t, "acc-other", got.AccessToken.Reveal())
	_, err = s.Token(t.Context(), 3)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testPingClose(t *testing.T, s store.Store, _ *clock) {
	require.NoError(t, s.Ping(t.Context()))
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "a second Close is harmless")
	require.Error(t, s.Ping(t.Context()), "a closed store is unreachable")
}
