package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store/storetest"
)

// TestConsoleAcrossInstances checks that two processes on one file share
// sessions and login failures, and that both survive a restart.
func TestConsoleAcrossInstances(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cluebot.db")
	a := openTemp(t, path)
	b := openTemp(t, path)
	storetest.WriteShared(t, a)
	storetest.RequireShared(t, b, 2)
	storetest.AddSharedFailure(t, b)
	storetest.RequireShared(t, a, 3)

	require.NoError(t, a.Close())
	require.NoError(t, b.Close())
	storetest.RequireShared(t, openTemp(t, path), 3)
}
