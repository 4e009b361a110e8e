package postgres

import (
	"testing"

	"github.com/cluebot/cluebot/store/postgres/pgtest"
	"github.com/cluebot/cluebot/store/storetest"
)

// TestConsoleAcrossInstances checks that two instances on one database
// share sessions and login failures, and that both survive a restart.
func TestConsoleAcrossInstances(t *testing.T) {
	dsn, schema := pgtest.FreshSchema(t)
	a, b := openIn(t, dsn, schema), openIn(t, dsn, schema)
	storetest.WriteShared(t, a)
	storetest.RequireShared(t, b, 2)
	storetest.AddSharedFailure(t, b)
	storetest.RequireShared(t, a, 3)

	_ = a.Close()
	_ = b.Close()
	storetest.RequireShared(t, openIn(t, dsn, schema), 3)
}
