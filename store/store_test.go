package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

func TestConfigDrivers(t *testing.T) {
	const notPostgres = "store.dsn: is neither a postgres:// URL nor key=value pairs (a file path is for sqlite): give a URL like " +
		"postgres://cluebot@127.0.0.1:5432/cluebot?sslmode=disable, or key=value pairs like host=127.0.0.1 dbname=cluebot"
	tests := []struct {
		name    string
		driver  string
		dsn     string
		path    bool
		wantErr string
	}{
		{"sqlite takes a file", "sqlite", "data/cluebot.db", true, ""},
		{"postgres takes a URL", "postgres", "postgres://u:p@127.0.0.1:5432/db?sslmode=disable", false, ""},
		{"postgres takes postgresql://", "postgres", "PostgreSQL://db.internal/cluebot", false, ""},
		{"postgres takes key=value", "postgres", "host=127.0.0.1 user=cluebot dbname=cluebot", false, ""},
		{"postgres refuses a file", "postgres", "data/cluebot.db", false, notPostgres},
		{"postgres refuses a URL with no scheme", "postgres", "cluebot:pw@db:5432/cluebot", false, notPostgres},
		{"unknown", "mysql", "x", false, `store.driver: "mysql" is not one of sqlite, postgres`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := store.Config{Driver: tt.driver, DSN: tt.dsn}
			require.Equal(t, tt.path, c.DSNIsPath())
			if tt.wantErr == "" {
				require.NoError(t, c.Validate())
			} else {
				require.EqualError(t, c.Validate(), tt.wantErr)
				require.NotContains(t, c.Validate().Error(), "pw@", "a DSN may hold a password")
			}
		})
	}
}
