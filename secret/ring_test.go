package secret

import (
	"bytes"
	"encoding/base64"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func b64(k []byte) string { return base64.StdEncoding.EncodeToString(k) }

func mustRing(t *testing.T, keys ...[]byte) *Ring {
	t.Helper()
	r, err := NewRing(keys...)
	require.NoError(t, err)
	return r
}

func TestRingRoundTrip(t *testing.T) {
	r := mustRing(t, testKey(1))
	for _, plain := range []string{"x", "ea1b7e8c9d0f-token", strings.Repeat("令牌", 300)} {
		sealed, err := r.Seal(plain)
		require.NoError(t, err)
		require.True(t, IsSealed(sealed))
		if len(plain) > 4 {
			require.NotContains(t, sealed, plain)
		}
		again, err := r.Seal(plain)
		require.NoError(t, err)
		require.NotEqual(t, sealed, again, "a fresh nonce every time")
		got, err := r.Open(sealed)
		require.NoError(t, err)
		require.Equal(t, plain, got.Reveal())
	}
	empty, err := r.Seal("")
	require.NoError(t, err)
	require.Empty(t, empty, "no token stays no token")
}

func TestRingWrongKey(t *testing.T) {
	sealed, err := mustRing(t, testKey(1)).Seal("tok-abcdef")
	require.NoError(t, err)
	_, err = mustRing(t, testKey(2)).Open(sealed)
	require.ErrorIs(t, err, ErrUnknownKey)
	require.NotContains(t, err.Error(), "tok-abcdef")
	_, err = (&Ring{}).Open(sealed)
	require.ErrorIs(t, err, ErrNoKey)
}

func TestRingRotation(t *testing.T) {
	old, cur := testKey(1), testKey(2)
	sealedOld, err := mustRing(t, old).Seal("tok-old")
	require.NoError(t, err)
	rotating := mustRing(t, cur, old)
	got, err := rotating.Open(sealedOld)
	require.NoError(t, err, "every key opens")
	require.Equal(t, "tok-old", got.Reveal())
	require.True(t, rotating.Stale(sealedOld, false), "sealed with a key that is not first")
	require.False(t, rotating.Stale(sealedOld, true), "but it is not plaintext")
	resealed, err := rotating.Reseal(sealedOld)
	require.NoError(t, err)
	require.False(t, rotating.Stale(resealed, false))
	got, err = mustRing(t, cur).Open(resealed)
	require.NoError(t, err, "once resealed, the old key can go")
	require.Equal(t, "tok-old", got.Reveal())
}

func TestRingTampering(t *testing.T) {
	r := mustRing(t, testKey(1))
	sealed, err := r.Seal("tok-abcdef")
	require.NoError(t, err)
	body := []byte(sealed)
	i := len(body) - 5
	body[i] ^= 'A' ^ 'B'
	if body[i] == sealed[i] {
		body[i] ^= 1
	}
	for name, v := range map[string]string{
		"flipped byte": string(body),
		"truncated":    sealed[:len(sealed)-4],
		"no body":      SealedPrefix + strings.Split(sealed, ":")[2],
		"not base64":   sealed + "!!",
		"short":        SealedPrefix + strings.Split(sealed, ":")[2] + ":AAAA",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := r.Open(v)
			require.ErrorIs(t, err, ErrTampered)
		})
	}
}

func TestRingNoKey(t *testing.T) {
	for name, r := range map[string]*Ring{"nil": nil, "empty": {}} {
		t.Run(name, func(t *testing.T) {
			require.False(t, r.Enabled())
			got, err := r.Seal("tok-plain")
			require.NoError(t, err)
			require.Equal(t, "tok-plain", got, "stored as before keys existed")
			open, err := r.Open("tok-plain")
			require.NoError(t, err)
			require.Equal(t, "tok-plain", open.Reveal())
			require.False(t, r.Stale("tok-plain", false))
		})
	}
}

func TestRingLegacyPlaintext(t *testing.T) {
	r := mustRing(t, testKey(1))
	got, err := r.Open("legacy-plain-token")
	require.NoError(t, err, "tokens stored before the key was set still open")
	require.Equal(t, "legacy-plain-token", got.Reveal())
	require.True(t, r.Stale("legacy-plain-token", true))
	require.False(t, r.Stale("", true))
	sealed, err := r.Reseal("legacy-plain-token")
	require.NoError(t, err)
	require.True(t, IsSealed(sealed))
}

func TestLoadRing(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "key")
	require.NoError(t, os.WriteFile(file, []byte(b64(testKey(3))+"\n"), 0o600))
	bad := filepath.Join(dir, "bad")
	require.NoError(t, os.WriteFile(bad, []byte("c2hvcnQ=\n"), 0o600))
	sealed3, err := mustRing(t, testKey(3)).Seal("x-token")
	require.NoError(t, err)

	tests := []struct {
		name, env, file string
		enabled         bool
		err             string
	}{
		{name: "nothing", enabled: false},
		{name: "env", env: b64(testKey(1)), enabled: true},
		{name: "env list url alphabet unpadded", env: " " + base64.RawURLEncoding.EncodeToString(testKey(0xfb)) + " , " + b64(testKey(3)), enabled: true},
		{name: "env wins over file", env: b64(testKey(1)), file: bad, enabled: true},
		{name: "file", file: file, enabled: true},
		{name: "env not base64", env: "%%%", err: "CLUEBOT_SECRET_KEY: key 1 is not base64"},
		{name: "env short key", env: b64(testKey(1)) + ",c2hvcnQ=", err: "CLUEBOT_SECRET_KEY: key 2: 5 bytes, want 32"},
		{name: "file short key", file: bad, err: "store.key_file: " + bad + ": key 1: 5 bytes"},
		{name: "file missing", file: filepath.Join(dir, "none"), err: "store.key_file: open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := LoadRing(tt.env, tt.file)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.enabled, r.Enabled())
			if tt.file == file {
				got, err := r.Open(sealed3)
				require.NoError(t, err, "the file's key opens")
				require.Equal(t, "x-token", got.Reveal())
			}
		})
	}
}

func TestWarnIfNoKeyOnce(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	WarnIfNoKey(mustRing(t, testKey(1)), log)
	require.Empty(t, buf.String(), "a ring with a key warns of nothing")
	WarnIfNoKey(nil, log)
	WarnIfNoKey(&Ring{}, log)
	require.Equal(t, 1, strings.Count(buf.String(), "unencrypted"), "once per process")
}
