package postgres

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/postgres/pgtest"
	"github.com/cluebot/cluebot/store/storetest"
)

// schemaVersion reads the schema_version rows.
func schemaVersion(t *testing.T, s *Store) []int {
	t.Helper()
	rows, err := s.pool.Query(t.Context(), `SELECT version FROM schema_version`)
	require.NoError(t, err)
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	require.NoError(t, err)
	return versions
}

// testPool opens a bare pool on schema, closed when the test ends.
func testPool(t *testing.T, dsn, schema string) *pgxpool.Pool {
	t.Helper()
	pool, err := newPool(t.Context(), dsn, schema)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

// TestMigrateFromEmpty checks that an empty schema gets every table, that
// reopening migrates nothing again and that the data stays.
func TestMigrateFromEmpty(t *testing.T) {
	dsn, schema := pgtest.FreshSchema(t)
	s, err := Open(t.Context(), dsn, Options{Schema: schema})
	require.NoError(t, err)
	require.Equal(t, []int{len(migrations)}, schemaVersion(t, s))
	rows, err := s.pool.Query(t.Context(), `SELECT table_name::text FROM information_schema.tables
		WHERE table_schema = $1 ORDER BY table_name`, schema)
	require.NoError(t, err)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Equal(t, []string{"account_names", "account_poll", "audit_log", "auth_advertisers", "authorizations", "clue_history",
		"clue_marks", "clues", "console_sessions", "followups", "login_failures", "mark_link_key", "mark_writeback", "oauth_states", "outbox",
		"receiver_pause", "rotation", "rules_file", "rules_versions", "schema_version", "send_log",
		"sync_state", "tokens"}, tables)
	_, err = s.UpsertClues(t.Context(), []store.Clue{{ID: "1974516040085363860123", Raw: []byte(`{}`)}})
	require.NoError(t, err)
	require.NoError(t, s.Close())

	s = openIn(t, dsn, schema)
	require.Equal(t, []int{len(migrations)}, schemaVersion(t, s), "one row, still the latest version")
	n, err := s.CountClues(t.Context(), store.ClueFilter{})
	require.NoError(t, err)
	require.Equal(t, 1, n)
}

// lockedBuffer is a bytes.Buffer safe for concurrent writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// TestConcurrentOpen checks that instances starting together on an empty
// schema all open it and apply every migration exactly once between them.
func TestConcurrentOpen(t *testing.T) {
	const instances = 4
	dsn, schema := pgtest.FreshSchema(t)
	var logs lockedBuffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	stores := make([]*Store, instances)
	errs := make([]error, instances)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range instances {
		wg.Go(func() {
			<-start
			stores[i], errs[i] = Open(context.Background(), dsn, Options{Schema: schema, Logger: logger})
		})
	}
	close(start)
	wg.Wait()
	for i, s := range stores {
		require.NoError(t, errs[i], "instance %d", i)
		t.Cleanup(func() { require.NoError(t, s.Close()) })
	}
	require.Equal(t, len(migrations), strings.Count(logs.buf.String(), "store schema migrated"),
		"each migration ran once:\n%s", logs.buf.String())
	require.Equal(t, []int{len(migrations)}, schemaVersion(t, stores[0]))
	for i, s := range stores {
		requireWritable(t, s, i)
	}
}

// requireWritable checks that instance i can write and sees the others' writes.
func requireWritable(t *testing.T, s *Store, i int) {
	t.Helper()
	_, err := s.UpsertClues(t.Context(), []store.Clue{{ID: string(rune('a' + i)), Raw: []byte(`{}`)}})
	require.NoError(t, err)
	n, err := s.CountClues(t.Context(), store.ClueFilter{})
	require.NoError(t, err)
	require.Equal(t, i+1, n)
}

// TestOpenRejectsNewerSchema checks that an older binary refuses a newer schema.
func TestOpenRejectsNewerSchema(t *testing.T) {
	dsn, schema := pgtest.FreshSchema(t)
	s := openIn(t, dsn, schema)
	_, err := s.pool.Exec(t.Context(), `UPDATE schema_version SET version = $1`, len(migrations)+1)
	require.NoError(t, err)

	_, err = Open(t.Context(), dsn, Options{Schema: schema})
	require.ErrorContains(t, err, "newer than this cluebot")
}

// TestMigrateAppliesAppendedOnce checks that an appended migration runs once
// and that a failing one rolls back and is retried on the next run.
func TestMigrateAppliesAppendedOnce(t *testing.T) {
	dsn, schema := pgtest.FreshSchema(t)
	s := openIn(t, dsn, schema)
	applied := 0
	appended := append(migrations[:len(migrations):len(migrations)],
		func(ctx context.Context, tx pgx.Tx) error {
			applied++
			_, err := tx.Exec(ctx, `CREATE TABLE appended (id integer PRIMARY KEY)`)
			return err
		},
		func(ctx context.Context, tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `CREATE TABLE half_done (id integer)`); err != nil {
				return err
			}
			return errors.New("boom")
		})

	for range 2 {
		err := migrate(t.Context(), s.pool, appended, s.log)
		require.ErrorContains(t, err, "boom")
		require.Equal(t, 1, applied, "a migration runs once")
		require.Equal(t, []int{len(migrations) + 1}, schemaVersion(t, s), "the failed step is not recorded")
	}
	var tables int
	require.NoError(t, s.pool.QueryRow(t.Context(), `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = $1 AND table_name IN ('appended', 'half_done')`, schema).Scan(&tables))
	require.Equal(t, 1, tables, "the failed step rolled back")

	require.NoError(t, migrate(t.Context(), s.pool, appended[:len(appended)-1], s.log))
	require.Equal(t, 1, applied)
}

// TestMigrateKeepsClues checks that clues stored before routing existed read
// back unrouted after the upgrade and can then be routed.
func TestMigrateKeepsClues(t *testing.T) {
	dsn, schema := pgtest.FreshSchema(t)
	pool := testPool(t, dsn, schema)
	require.NoError(t, migrate(t.Context(), pool, migrations[:1], slog.New(slog.DiscardHandler)))
	_, err := pool.Exec(t.Context(), `INSERT INTO clues (id, advertiser_id, create_time, update_time,
		intention_id, phone_stat, schedule_id, clue_tag, source_type, page_id, page_name, user_name, phone,
		province, city, store, raw, first_seen, last_updated)
		VALUES ('1', 7, $1, $1, 3, 1, 7, 2, 5, 'p', '页', '张三', '138', '省', '市', '店', '{}', $2, $2)`,
		time.UnixMilli(1000), time.UnixMilli(2000))
	require.NoError(t, err)

	storetest.MigratedClue(t, openIn(t, dsn, schema))
}
