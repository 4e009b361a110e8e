package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/postgres/pgtest"
)

// TestWriteErr opens a second store on a migrated schema whose sessions are
// read-only, as on a standby after a failover: it pings and reads, but its
// writes fail, and WriteErr says so for store.WriteFailureWindow. A bad
// input is no storage failure.
func TestWriteErr(t *testing.T) {
	dsn, schema := pgtest.FreshSchema(t)
	rw := openIn(t, dsn, schema)
	require.NoError(t, rw.SaveSyncState(t.Context(), store.SyncState{AdvertiserID: 1}))
	require.NoError(t, rw.WriteErr())
	_, err := rw.UpsertClues(t.Context(), []store.Clue{{ID: ""}})
	require.Error(t, err)
	require.NoError(t, rw.WriteErr(), "bad input is not a failing store")

	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	cfg, err := poolConfig(dsn, schema)
	require.NoError(t, err)
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		if err := createBatchTable(ctx, conn); err != nil {
			return err
		}
		_, err := conn.Exec(ctx, `SET default_transaction_read_only = on`)
		return err
	}
	ro, err := newStore(t.Context(), cfg, Options{Now: func() time.Time { return now }})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, ro.Close()) })

	_, err = ro.SyncState(t.Context(), 1)
	require.NoError(t, err, "reads work")
	require.NoError(t, ro.WriteErr())
	require.ErrorContains(t, ro.SaveSyncState(t.Context(), store.SyncState{AdvertiserID: 2}), "read-only transaction")
	require.NoError(t, ro.Ping(t.Context()), "the server still answers")
	require.ErrorContains(t, ro.WriteErr(), "a write failed 0s ago")
	require.ErrorContains(t, ro.WriteErr(), "read-only transaction")

	now = now.Add(store.WriteFailureWindow)
	require.NoError(t, ro.WriteErr(), "a failure a window old no longer counts")
	_, err = ro.UpsertClues(t.Context(), []store.Clue{{ID: "1", CreateTime: now, UpdateTime: now, Raw: []byte("{}")}})
	require.ErrorContains(t, err, "read-only transaction")
	require.Error(t, ro.WriteErr(), "upserts are watched too")
}
