package postgres

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/postgres/pgtest"
	"github.com/cluebot/cluebot/store/storetest"
)

// TestKeys runs the tokens-at-rest contract on one schema opened once per key ring.
func TestKeys(t *testing.T) {
	pgtest.DSN(t)
	storetest.RunKeys(t, func(t *testing.T, rings ...*secret.Ring) []store.Store {
		dsn, schema := pgtest.FreshSchema(t)
		var out []store.Store
		for _, r := range rings {
			s, err := Open(t.Context(), dsn, Options{Keys: r, Schema: schema})
			require.NoError(t, err)
			out = append(out, s)
		}
		return out
	})
}
