package fetch_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/sqlite"
)

// TestYAMLAccountOutlivesALostKey: a YAML account whose stored pair was
// sealed with a key cluebot no longer has (CLUEBOT_SECRET_KEY lost or
// changed) pulls with the tokens in cluebot.yaml, warns naming the
// account and no token, and seals the pair again with the current key.
func TestYAMLAccountOutlivesALostKey(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	ring := func() *secret.Ring {
		k := make([]byte, 32)
		_, err := rand.Read(k)
		require.NoError(t, err)
		r, err := secret.NewRing(k)
		require.NoError(t, err)
		return r
	}
	acct := fetch.Account{AdvertiserID: 30000001, Name: "郑州宝马", AccessToken: "yaml-access", RefreshToken: "yaml-refresh"}
	old, err := sqlite.Open(ctx, path, sqlite.Options{Keys: ring()})
	require.NoError(t, err)
	require.NoError(t, old.SaveToken(ctx, store.Token{AdvertiserID: acct.AdvertiserID, AccessToken: "yaml-access",
		RefreshToken: "yaml-refresh", Seed: fetch.TokenSeed(acct), UpdatedAt: time.Now()}))
	require.NoError(t, old.Close())

	st, err := sqlite.Open(ctx, path, sqlite.Options{Keys: ring()}) // another key
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	_, err = st.Token(ctx, acct.AdvertiserID)
	require.ErrorIs(t, err, secret.ErrUnknownKey)

	var logs bytes.Buffer
	cfg := &fetch.Config{AppID: appID, Secret: appSecret, Accounts: []fetch.Account{acct}, RefreshAhead: time.Minute}
	tokens := fetch.NewTokens(fetch.NewClient(cfg, nil, nil), st, cfg, slog.New(slog.NewTextHandler(&logs, nil)), nil)
	tok, err := tokens.Source(acct).Token(ctx)
	require.NoError(t, err)
	require.Equal(t, "yaml-access", tok)
	require.Contains(t, logs.String(), "cannot be opened")
	require.Contains(t, logs.String(), "advertiser_id=30000001")
	require.NotContains(t, logs.String(), "yaml-access")
	require.NotContains(t, logs.String(), "yaml-refresh")

	stored, err := st.Token(ctx, acct.AdvertiserID)
	require.NoError(t, err, "sealed again with the current key")
	require.Equal(t, "yaml-access", stored.AccessToken.Reveal())
	require.Equal(t, "yaml-refresh", stored.RefreshToken.Reveal())
}
