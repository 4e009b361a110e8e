package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/storetest"
)

// TestContract runs the shared store contract on a temporary database file.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Store {
		s, err := Open(t.Context(), filepath.Join(t.TempDir(), "cluebot.db"), Options{Now: now})
		require.NoError(t, err)
		return s
	})
}

// openTemp opens a store at path and closes it when the test ends.
func openTemp(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(t.Context(), path, Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

// pragma reads a PRAGMA's value on db.
func pragma(t *testing.T, db *sql.DB, name string) string {
	t.Helper()
	var v string
	require.NoError(t, db.QueryRowContext(t.Context(), "PRAGMA "+name).Scan(&v))
	return v
}

// schemaVersion reads the schema_version row.
func schemaVersion(t *testing.T, s *Store) int {
	t.Helper()
	var v int
	require.NoError(t, s.read.QueryRowContext(t.Context(), `SELECT version FROM schema_version`).Scan(&v))
	return v
}

// TestFileModes checks that the database, its WAL and a created directory
// are private to the owner.
func TestFileModes(t *testing.T) {
	tests := []struct {
		name     string
		existing os.FileMode // 0: the file does not exist yet
	}{
		{"new file", 0},
		{"existing loose file", 0o644},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data", "nested")
			path := filepath.Join(dir, "cluebot.db")
			if tt.existing != 0 {
				require.NoError(t, os.MkdirAll(dir, 0o755))
				require.NoError(t, os.WriteFile(path, nil, tt.existing))
				require.NoError(t, os.Chmod(path, tt.existing))
			}
			s := openTemp(t, path)
			_, err := s.UpsertClues(t.Context(), []store.Clue{{ID: "1", Raw: []byte(`{}`)}})
			require.NoError(t, err)

			for _, p := range []string{path, path + "-wal"} {
				fi, err := os.Stat(p)
				require.NoError(t, err)
				require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), p)
			}
			if tt.existing == 0 {
				for _, d := range []string{dir, filepath.Dir(dir)} {
					fi, err := os.Stat(d)
					require.NoError(t, err)
					require.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), d)
				}
			}
		})
	}
}

// TestPragmas checks the connection settings of both pools.
func TestPragmas(t *testing.T) {
	s := openTemp(t, filepath.Join(t.TempDir(), "cluebot.db"))
	for _, db := range []struct {
		name string
		db   *sql.DB
	}{{"write", s.write}, {"read", s.read}} {
		t.Run(db.name, func(t *testing.T) {
			require.Equal(t, "wal", pragma(t, db.db, "journal_mode"))
			require.Equal(t, "1", pragma(t, db.db, "foreign_keys"))
			require.Equal(t, "1", pragma(t, db.db, "synchronous"), "NORMAL")
			require.Equal(t, "10000", pragma(t, db.db, "busy_timeout"))
		})
	}
	require.Equal(t, "16384", pragma(t, s.read, "page_size"))
	require.Equal(t, "1", pragma(t, s.read, "query_only"))
	_, err := s.read.ExecContext(t.Context(), `DELETE FROM clues`)
	require.Error(t, err, "the read pool cannot write")

	require.NoError(t, s.SaveToken(t.Context(), store.Token{AdvertiserID: 1, AccessToken: "a"}))
	require.Equal(t, "1", pragma(t, s.write, "synchronous"), "SaveToken restores NORMAL")
}

// TestSpecialPath checks that URI metacharacters in the path stay literal.
func TestSpecialPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "odd dir #1?")
	path := filepath.Join(dir, "clue%20s.db")
	s, err := Open(t.Context(), path, Options{})
	require.NoError(t, err)
	_, err = s.UpsertClues(t.Context(), []store.Clue{{ID: "1", Raw: []byte(`{}`)}})
	require.NoError(t, err)
	require.NoError(t, s.Close())

	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Positive(t, fi.Size(), "the store wrote to the file at the literal path")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no file at a mangled path")
}

// TestReopenKeepsSchemaAndData checks that reopening migrates nothing again.
func TestReopenKeepsSchemaAndData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cluebot.db")
	s, err := Open(t.Context(), path, Options{})
	require.NoError(t, err)
	require.Equal(t, len(migrations), schemaVersion(t, s))
	_, err = s.UpsertClues(t.Context(), []store.Clue{{ID: "1974516040085363860123", Raw: []byte(`{}`)}})
	require.NoError(t, err)
	require.NoError(t, s.Close())

	s = openTemp(t, path)
	require.Equal(t, len(migrations), schemaVersion(t, s))
	var rows int
	require.NoError(t, s.read.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM schema_version`).Scan(&rows))
	require.Equal(t, 1, rows)
	n, err := s.CountClues(t.Context(), store.ClueFilter{})
	require.NoError(t, err)
	require.Equal(t, 1, n)
}

// TestOpenRejectsNewerSchema checks that an older binary refuses a newer schema.
func TestOpenRejectsNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cluebot.db")
	s, err := Open(t.Context(), path, Options{})
	require.NoError(t, err)
	_, err = s.write.ExecContext(t.Context(), `UPDATE schema_version SET version = ?`, len(migrations)+1)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	_, err = Open(t.Context(), path, Options{})
	require.ErrorContains(t, err, "newer than this cluebot")
}

// TestMigrateAppliesAppendedOnce checks that an appended migration runs once
// and that a failing one rolls back and is retried on the next open.
func TestMigrateAppliesAppendedOnce(t *testing.T) {
	s := openTemp(t, filepath.Join(t.TempDir(), "cluebot.db"))
	applied := 0
	appended := append(migrations[:len(migrations):len(migrations)],
		func(ctx context.Context, tx *sql.Tx) error {
			applied++
			_, err := tx.ExecContext(ctx, `CREATE TABLE appended (id INTEGER PRIMARY KEY)`)
			return err
		},
		func(ctx context.Context, tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `CREATE TABLE half_done (id INTEGER)`); err != nil {
				return err
			}
			return errors.New("boom")
		})

	for range 2 {
		err := migrate(t.Context(), s.write, appended, s.log)
		require.ErrorContains(t, err, "boom")
		require.Equal(t, 1, applied, "a migration runs once")
		require.Equal(t, len(migrations)+1, schemaVersion(t, s), "the failed step is not recorded")
	}
	var tables int
	require.NoError(t, s.read.QueryRowContext(t.Context(),
		`SELECT COUNT(*) FROM sqlite_master WHERE name IN ('appended', 'half_done')`).Scan(&tables))
	require.Equal(t, 1, tables, "the failed step rolled back")

	require.NoError(t, migrate(t.Context(), s.write, appended[:len(appended)-1], s.log))
	require.Equal(t, 1, applied)
}

// TestMillisecondPrecision checks that times are kept to the millisecond.
func TestMillisecondPrecision(t *testing.T) {
	s := openTemp(t, filepath.Join(t.TempDir(), "cluebot.db"))
	fine := time.Date(2025, 3, 1, 9, 30, 15, 123_456_789, time.FixedZone("UTC+8", 8*3600))
	c := store.Clue{ID: "1", CreateTime: fine, UpdateTime: fine, Raw: []byte(`{}`)}
	st, err := s.UpsertClues(t.Context(), []store.Clue{c})
	require.NoError(t, err)
	require.Equal(t, store.UpsertStats{Inserted: 1}, st)

	got, err := s.Clue(t.Context(), "1")
	require.NoError(t, err)
	want := time.Date(2025, 3, 1, 1, 30, 15, 123e6, time.UTC)
	require.Equal(t, want, got.CreateTime, "truncated to the millisecond, in UTC")
	require.Equal(t, want, got.UpdateTime)

	c.UpdateTime = fine.Add(time.Microsecond)
	st, err = s.UpsertClues(t.Context(), []store.Clue{c})
	require.NoError(t, err)
	require.Equal(t, store.UpsertStats{Unchanged: 1}, st, "a sub-millisecond difference is no change")
}

// TestNotShared checks that an embedded store does not claim to be shared
// by instances: the daemon then pulls every account every poll_interval.
func TestNotShared(t *testing.T) {
	var s store.Store = openTemp(t, filepath.Join(t.TempDir(), "cluebot.db"))
	_, shared := s.(store.Shared)
	require.False(t, shared)
}
