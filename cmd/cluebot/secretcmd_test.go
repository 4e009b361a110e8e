package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/sqlite"
)

// TestSecretRotate seals a token stored in clear once a key file is set,
// then reseals it with a new key given first in CLUEBOT_SECRET_KEY, after
// which the new key alone opens it.
func TestSecretRotate(t *testing.T) {
	t.Setenv(secret.KeyEnv, "")
	key := func(b byte) string { return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{b}, secret.KeySize)) }
	cfgPath, dir := writeTrial(t, "store:\n  key_file: cluebot.key\nkuaishou:\n  accounts: []\n", "routes: []\n", nil)
	dbPath := filepath.Join(dir, "data/cluebot.db")
	st, err := sqlite.Open(t.Context(), dbPath, sqlite.Options{})
	require.NoError(t, err)
	require.NoError(t, st.SaveToken(t.Context(), store.Token{AdvertiserID: 7, AccessToken: "acc-0f1e2d3c", RefreshToken: "ref-0f1e2d3c"}))
	require.NoError(t, st.Close())

	rotate := func() (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"secret", "rotate", "-c", cfgPath}, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	code, _, stderr := rotate()
	require.Equal(t, 2, code, "the key file is missing")
	require.Contains(t, stderr, "store.key_file")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "cluebot.key"), []byte(key(1)+"\n"), 0o600))
	code, stdout, stderr := rotate()
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "sealed 0 token rows", "opening the store sealed the plaintext already")
	requireSealedWith(t, dbPath, key(1))

	t.Setenv(secret.KeyEnv, key(2)+","+key(1))
	code, stdout, stderr = rotate()
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "sealed 1 token rows")
	requireSealedWith(t, dbPath, key(2))
	require.NotContains(t, stdout+stderr, "0f1e2d3c")
}

// requireSealedWith checks that the database's token is sealed and that the
// keys in list alone open it.
func requireSealedWith(t *testing.T, dbPath, list string) {
	t.Helper()
	ring, err := secret.ParseKeys(list)
	require.NoError(t, err)
	st, err := sqlite.Open(t.Context(), dbPath, sqlite.Options{Keys: ring})
	require.NoError(t, err)
	defer st.Close()
	_, err = st.ResealTokens(t.Context(), func(v string) (string, error) {
		require.True(t, secret.IsSealed(v))
		return v, nil
	})
	require.NoError(t, err)
	tok, err := st.Token(t.Context(), 7)
	require.NoError(t, err)
	require.Equal(t, "ref-0f1e2d3c", tok.RefreshToken.Reveal())
}

// TestConfigCheckKeyFile reports a key file that is missing or holds no
// usable key, naming store.key_file and never a key.
func TestConfigCheckKeyFile(t *testing.T) {
	cfgPath, dir := writeTrial(t, "store:\n  key_file: cluebot.key\n"+checkConfig, "routes: [{name: all, receivers: [sales]}]\n", nil)
	code, stderr := cluebotProcess(t, "config", "check", "-c", cfgPath)
	require.Equal(t, 2, code, stderr)
	require.Contains(t, stderr, "store.key_file: open "+filepath.Join(dir, "cluebot.key"))

	require.NoError(t, os.WriteFile(filepath.Join(dir, "cluebot.key"), []byte("c2hvcnQta2V5\n"), 0o600))
	code, stderr = cluebotProcess(t, "config", "check", "-c", cfgPath)
	require.Equal(t, 2, code, stderr)
	require.Contains(t, stderr, "key 1: 9 bytes, want 32")
	require.NotContains(t, stderr, "c2hvcnQta2V5")

	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, secret.KeySize))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cluebot.key"), []byte(key+"\n"), 0o600))
	code, stderr = cluebotProcess(t, "config", "check", "-c", cfgPath)
	require.Equal(t, 0, code, stderr)
}
