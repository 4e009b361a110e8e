package sqlite

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/storetest"
)

// walSize is the size of the store's write-ahead log file (0 when absent).
func walSize(t *testing.T, s *Store) int64 {
	t.Helper()
	fi, err := os.Stat(s.path + "-wal")
	if os.IsNotExist(err) {
		return 0
	}
	require.NoError(t, err)
	return fi.Size()
}

// TestWALStaysBounded stores a burst of clues, each batch bigger than the
// WAL limit: once the burst is written the WAL is back under the limit,
// although nothing else is written after it.
func TestWALStaysBounded(t *testing.T) {
	s := openTemp(t, filepath.Join(t.TempDir(), "cluebot.db"))
	require.Equal(t, "4194304", pragma(t, s.write, "journal_size_limit"))
	const batch = 5000 // about 8 MB of clues and their indexes per transaction
	for i := range 4 {
		_, err := s.UpsertClues(t.Context(), storetest.BenchClues(i*batch, batch, 3))
		require.NoError(t, err)
		s.lastCheckpoint.Store(0) // the burst is quicker than checkpointEvery here
	}
	fi, err := os.Stat(s.path)
	require.NoError(t, err)
	require.Greater(t, fi.Size(), int64(20<<20), "the burst wrote more than the limit, many times over")
	require.LessOrEqual(t, walSize(t, s), int64(walLimit), "the WAL is checkpointed and cut back after the burst")

	// A reader of an old snapshot holds the checkpoint off; the next writes
	// after it ends cut the WAL back all the same.
	rows, err := s.read.QueryContext(t.Context(), `SELECT id FROM clues`)
	require.NoError(t, err)
	require.True(t, rows.Next())
	_, err = s.UpsertClues(t.Context(), storetest.BenchClues(4*batch, batch, 3))
	require.NoError(t, err)
	require.Greater(t, walSize(t, s), int64(walLimit), "the reader kept the WAL in use")
	require.NoError(t, rows.Close())
	s.lastCheckpoint.Store(0)
	require.NoError(t, s.SaveSyncState(t.Context(), store.SyncState{AdvertiserID: 1, LastRunAt: time.Now()}))
	require.LessOrEqual(t, walSize(t, s), int64(walLimit), "cut back at the next write")
}

// TestWriteErr fills the database to its page limit: Ping still answers,
// but WriteErr reports the failed writes until they are a window old; a
// constraint error is no storage failure.
func TestWriteErr(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "cluebot.db"), Options{Now: func() time.Time { return now }})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	require.NoError(t, s.WriteErr())

	_, err = s.UpsertClues(t.Context(), []store.Clue{{ID: ""}})
	require.Error(t, err)
	require.NoError(t, s.WriteErr(), "bad input is not a failing store")

	pages := pragma(t, s.write, "page_count")
	_, err = s.write.ExecContext(t.Context(), "PRAGMA max_page_count = "+pages) // the write pool's only connection
	require.NoError(t, err)
	_, err = s.UpsertClues(t.Context(), storetest.BenchClues(0, 500, 3))
	require.ErrorContains(t, err, "database or disk is full")
	require.NoError(t, s.Ping(t.Context()), "reads and pings still work")
	require.ErrorContains(t, s.WriteErr(), "a write failed 0s ago")
	require.ErrorContains(t, s.WriteErr(), "database or disk is full")

	_, err = s.write.ExecContext(t.Context(), "PRAGMA max_page_count = 1073741823")
	require.NoError(t, err)
	_, err = s.UpsertClues(t.Context(), storetest.BenchClues(0, 500, 3))
	require.NoError(t, err)
	now = now.Add(store.WriteFailureWindow - time.Second)
	require.ErrorContains(t, s.WriteErr(), "a write failed 59s ago", "a recent failure still counts")
	now = now.Add(time.Second)
	require.NoError(t, s.WriteErr())
}
