package config

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testHash is a bcrypt hash at cost 10, as `cluebot user hash` prints.
const testHash = "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"

// TestConsoleSection decodes console: with its defaults, and names file,
// line and key of every problem: bad roles, hashes that are not bcrypt (the
// value is never echoed), a duplicate name, an unknown key.
func TestConsoleSection(t *testing.T) {
	text := "console:\n  base_url: https://cluebot.example.com\n  users:\n" +
		"    - {name: admin, role: admin, password_hash: \"" + testHash + "\"}\n" +
		"    - {name: 王经理, role: viewer, password_hash: \"" + testHash + "\"}\n"
	cfg, err := Parse("c.yaml", []byte(text), lookupFrom(nil), nil)
	require.NoError(t, err)
	require.Equal(t, 12*time.Hour, cfg.Console.SessionTTL, "default")
	require.Len(t, cfg.Console.Users, 2)
	require.Equal(t, "王经理", cfg.Console.Users[1].Name)
	require.True(t, cfg.Console.Enabled())

	bad := "console:\n  base_url: ftp://x/y\n  session_ttl: 1s\n  users:\n" +
		"    - {name: admin, role: root, password_hash: \"" + testHash + "\"}\n" +
		"    - {name: admin, role: viewer, password_hash: hunter2}\n" +
		"    - {name: x, role: admin, password_hash: \"" + testHash + "\", email: a@b}\n"
	_, err = Parse("c.yaml", []byte(bad), lookupFrom(nil), nil)
	require.True(t, IsInvalid(err))
	require.Equal(t, []string{
		`c.yaml:2: console.base_url: "ftp://x/y" is not an http:// or https:// URL with a host`,
		"c.yaml:3: console.session_ttl: 1s is shorter than 1m",
		`c.yaml:5: console.users.0.role: "root" is not one of admin, viewer`,
		`c.yaml:6: console.users.1.name: "admin" is also console.users.0`,
		"c.yaml:6: console.users.1.password_hash: is not a bcrypt hash (make one with `cluebot user hash`)",
		"c.yaml:7: console.users.2.email: unknown key",
	}, strings.Split(err.Error(), "\n"))
	require.NotContains(t, err.Error(), "hunter2")
}

// TestWarnings: a console reachable at base_url with /metrics open is
// warned about; a token, or no console, is not.
func TestWarnings(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte("console: {base_url: https://c.example.com}\n"), lookupFrom(nil), nil)
	require.NoError(t, err)
	require.Len(t, cfg.Warnings(), 1)
	require.Contains(t, cfg.Warnings()[0], "http.metrics_token")

	cfg, err = Parse("c.yaml", []byte("console: {base_url: https://c.example.com}\nhttp: {metrics_token: t}\n"), lookupFrom(nil), nil)
	require.NoError(t, err)
	require.Empty(t, cfg.Warnings())
	cfg, err = Parse("c.yaml", []byte("{}"), lookupFrom(nil), nil)
	require.NoError(t, err)
	require.Empty(t, cfg.Warnings())
}
