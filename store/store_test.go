package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

func TestConfigDrivers(t *testing.T) {
	tests := []struct {
		name    string
		driver  string
		path    bool
		wantErr string
	}{
		{"sqlite takes a file", "sqlite", true, ""},
		{"postgres takes a URL", "postgres", false, ""},
		{"unknown", "mysql", false, `store.driver: "mysql" is not one of sqlite, postgres`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := store.Config{Driver: tt.driver, DSN: "x"}
			require.Equal(t, tt.path, c.DSNIsPath())
			if tt.wantErr == "" {
				require.NoError(t, c.Validate())
			} else {
				require.EqualError(t, c.Validate(), tt.wantErr)
			}
		})
	}
}
