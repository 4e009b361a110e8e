package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"
)

// TestUserHash: the password comes from stdin, the hash verifies it, and
// no password is a usage error.
func TestUserHash(t *testing.T) {
	old := stdin
	t.Cleanup(func() { stdin = old })

	stdin = strings.NewReader("s3cret pass\n")
	var out, errb bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"user", "hash"}, &out, &errb), errb.String())
	hash := strings.TrimSpace(out.String())
	require.NoError(t, bcrypt.CompareHashAndPassword([]byte(hash), []byte("s3cret pass")))
	require.NotContains(t, out.String()+errb.String(), "s3cret")

	stdin = strings.NewReader("")
	out.Reset()
	require.Equal(t, 2, run(context.Background(), []string{"user", "hash"}, &out, &errb))
	require.Empty(t, out.String())
	require.Equal(t, 2, run(context.Background(), []string{"user"}, &out, &errb))
}

// TestConfigCheckWarnsOpenMetrics: a console base_url without
// http.metrics_token is a warning, not a failure.
func TestConfigCheckWarnsOpenMetrics(t *testing.T) {
	cfgPath, _ := writeTrial(t, checkConfig+"console: {base_url: https://c.example.com}\n", "routes: [{name: x, receivers: [sales]}]\n", nil)
	require.NoError(t, os.MkdirAll(filepath.Join(filepath.Dir(cfgPath), "templates"), 0o700))
	var out, errb bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"config", "check", "-c", cfgPath}, &out, &errb), errb.String())
	require.Contains(t, errb.String(), cfgPath+":5: warning: console.base_url: set but http.metrics_token is not")
	require.Contains(t, out.String(), "ok")
}
