package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/storetest"
)

// TestKeys runs the tokens-at-rest contract on one file opened once per key ring.
func TestKeys(t *testing.T) {
	storetest.RunKeys(t, func(t *testing.T, rings ...*secret.Ring) []store.Store {
		path := filepath.Join(t.TempDir(), "cluebot.db")
		var out []store.Store
		for _, r := range rings {
			s, err := Open(t.Context(), path, Options{Keys: r})
			require.NoError(t, err)
			out = append(out, s)
		}
		return out
	})
}
