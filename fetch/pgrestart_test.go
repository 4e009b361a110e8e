package fetch_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/secret"
	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/postgres"
	"github.com/cluebot/cluebot/store/postgres/pgtest"
)

// TestSyncThroughPostgresConnectionsEnding: two instances sync the same
// accounts into one PostgreSQL while every connection they hold is ended by
// the server twice (pg_terminate_backend: what a restart does to a client,
// without stopping a server other tests share). Pulls may fail while it
// happens; none loses a clue, and the next pulls store every clue once.
// Issue 12 tried real restarts of the server under two `cluebot run`; a
// test cannot restart a server other tests share.
func TestSyncThroughPostgresConnectionsEnding(t *testing.T) {
	dsn, schema := pgtest.FreshSchema(t)
	app := schema // the application_name that marks this test's connections
	appDSN, err := withAppName(dsn, app)
	require.NoError(t, err)
	ctx := context.Background()

	s := sim.New(sim.Options{AppID: appID, Secret: appSecret, Seed: 17})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	cfg := &fetch.Config{BaseURL: srv.URL, AppID: appID, Secret: appSecret, PageSize: 20,
		Lookback: time.Hour, Backfill: 24 * time.Hour, Window: 24 * time.Hour, Concurrency: 3,
		Timeout: 5 * time.Second, Retries: 3, RetryBackoff: time.Millisecond, RetryMax: 5 * time.Millisecond}
	now := time.Now()
	var want []string
	for i := range 3 {
		id := int64(20006545 + i)
		s.AddAccount(id, fmt.Sprintf("access-%d", id), "")
		cfg.Accounts = append(cfg.Accounts, fetch.Account{AdvertiserID: id, AccessToken: secret.String(fmt.Sprintf("access-%d", id))})
		want = append(want, s.Generate(id, 300, now.Add(-20*time.Hour), now.Add(-time.Minute))...)
	}
	sort.Strings(want)

	var stores []*postgres.Store
	var syncers []*fetch.Syncer
	for range 2 {
		st, err := postgres.Open(ctx, appDSN, postgres.Options{Schema: schema})
		require.NoError(t, err)
		t.Cleanup(func() { st.Close() })
		client := fetch.NewClient(cfg, nil, nil)
		stores = append(stores, st)
		syncers = append(syncers, fetch.NewSyncer(cfg, client, fetch.NewTokens(client, st, cfg, nil, time.Now), st, slog.New(slog.DiscardHandler), time.Now))
	}

	var calls, ended atomic.Int64
	var killErr atomic.Value
	s.OnList(func(sim.ListRequest, int) {
		if n := calls.Add(1); n == 15 || n == 60 {
			k, err := terminateApp(dsn, app)
			if err != nil {
				killErr.Store(err)
			}
			ended.Add(k)
		}
	})
	failures := 0
	var mu sync.Mutex
	for range 2 {
		var wg sync.WaitGroup
		for _, sy := range syncers {
			wg.Go(func() {
				if _, err := sy.SyncAll(ctx); err != nil {
					mu.Lock()
					failures++
					mu.Unlock()
					t.Logf("a pull failed while connections ended: %.200v", err)
				}
			})
		}
		wg.Wait()
	}
	require.Nil(t, killErr.Load())
	require.GreaterOrEqual(t, ended.Load(), int64(2), "connections were ended twice")
	s.OnList(nil)
	// A pooled connection the server ended is found out when next used, if
	// it was idle too briefly to be pinged first: the first pulls after may
	// fail on one each (no clue is lost by it), and then pulls succeed.
	for i, sy := range syncers {
		var err error
		for range 5 {
			if _, err = sy.SyncAll(ctx); err == nil {
				break
			}
			require.ErrorContains(t, err, "SQLSTATE 57P01", "instance %d: only ended connections fail", i)
		}
		require.NoError(t, err, "instance %d after the connections came back", i)
	}

	var got []string
	require.NoError(t, stores[0].IterateClues(ctx, store.ClueFilter{}, func(c *store.Clue) error {
		got = append(got, c.ID)
		return nil
	}))
	sort.Strings(got)
	require.Equal(t, want, got, "every clue stored once")
	for _, a := range cfg.Accounts {
		st, err := stores[1].SyncState(ctx, a.AdvertiserID)
		require.NoError(t, err)
		require.Empty(t, st.LastError)
	}
	t.Logf("%d connections ended in two rounds; %d pulls failed meanwhile; 900 of 900 clues stored once", ended.Load(), failures)
}

// withAppName sets application_name on a postgres:// URL or key=value DSN.
func withAppName(dsn, app string) (string, error) {
	if !strings.Contains(dsn, "://") {
		return dsn + " application_name=" + app, nil
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// terminateApp ends every server connection with application_name app and
// returns how many it ended; other tests' connections are left alone.
func terminateApp(dsn, app string) (int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	var n int64
	err = conn.QueryRow(ctx, `SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = $1 AND pid <> pg_backend_pid()) t`, app).Scan(&n)
	return n, err
}
