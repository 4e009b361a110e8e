package fetch_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/secret"
	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/sqlite"
)

const (
	appID     = 4242
	appSecret = "app-secret-4242"
)

// harness is a simulated Kuaishou API, a real SQLite store and a syncer.
type harness struct {
	sim    *sim.Server
	srv    *httptest.Server
	store  *sqlite.Store
	cfg    *fetch.Config
	syncer *fetch.Syncer
	logs   *fetch.LogBuffer // the syncer's and client's JSON logs, info and up
}

func newHarness(t *testing.T, opts sim.Options, accounts int) *harness {
	t.Helper()
	opts.AppID, opts.Secret = appID, appSecret
	s := sim.New(opts)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	cfg := &fetch.Config{
		BaseURL: srv.URL, AppID: appID, Secret: appSecret, PageSize: 50,
		PollInterval: time.Minute, Lookback: time.Hour, Backfill: 24 * time.Hour, Window: 24 * time.Hour,
		Concurrency: 3, Timeout: 2 * time.Second, Retries: 10,
		RetryBackoff: time.Millisecond, RetryMax: 5 * time.Millisecond, RefreshAhead: time.Minute,
		DiscoverInterval: time.Hour, OAuth: fetch.OAuthConfig{AuthorizeURL: fetch.DefaultAuthorizeURL},
	}
	for i := 0; i < accounts; i++ {
		id := int64(20006545 + i)
		access, refresh := fmt.Sprintf("access-%d-initial", id), fmt.Sprintf("refresh-%d-initial", id)
		s.AddAccount(id, access, refresh)
		cfg.Accounts = append(cfg.Accounts, fetch.Account{AdvertiserID: id, Name: fmt.Sprintf("acct%d", i),
			AccessToken: secret.String(access), RefreshToken: secret.String(refresh)})
	}
	h := &harness{sim: s, srv: srv, store: st, cfg: cfg, logs: &fetch.LogBuffer{}}
	h.syncer = h.newSyncer()
	return h
}

func (h *harness) newSyncer() *fetch.Syncer {
	logger := slog.New(slog.NewJSONHandler(h.logs, nil))
	client := fetch.NewClient(h.cfg, nil, logger)
	tokens := fetch.NewTokens(client, h.store, h.cfg, logger, time.Now)
	return fetch.NewSyncer(h.cfg, client, tokens, h.store, logger, time.Now)
}

// storedIDs returns every stored id, failing on any duplicate.
func (h *harness) storedIDs(t *testing.T) []string {
	t.Helper()
	var ids []string
	seen := map[string]bool{}
	require.NoError(t, h.store.IterateClues(context.Background(), store.ClueFilter{}, func(c *store.Clue) error {
		require.False(t, seen[c.ID], "clue %s stored twice", c.ID)
		seen[c.ID] = true
		ids = append(ids, c.ID)
		return nil
	}))
	sort.Strings(ids)
	return ids
}

func (h *harness) simIDs() []string {
	var ids []string
	for _, a := range h.cfg.Accounts {
		ids = append(ids, h.sim.IDs(a.AdvertiserID)...)
	}
	sort.Strings(ids)
	return ids
}

func TestSyncStoresEveryClueOnceThroughFaults(t *testing.T) {
	h := newHarness(t, sim.Options{Seed: 7, Faults: sim.FaultConfig{Rate: 0.15,
		Kinds: []sim.Fault{sim.FaultHTTP500, sim.FaultHTTP502, sim.FaultHTTP503, sim.FaultBusy, sim.FaultTruncated, sim.FaultHTML}}}, 3)
	now := time.Now()
	for _, a := range h.cfg.Accounts {
		h.sim.Generate(a.AdvertiserID, 400, now.Add(-20*time.Hour), now.Add(-time.Minute))
	}
	// New clues arrive while pages are read, and tokens expire twice.
	var calls atomic.Int64
	h.sim.OnList(func(req sim.ListRequest, page int) {
		n := calls.Add(1)
		if n%7 == 0 {
			h.sim.Generate(req.AdvertiserID, 1, time.Now().Add(-30*time.Second), time.Now())
		}
		if n == 10 || n == 30 {
			for _, a := range h.cfg.Accounts {
				h.sim.ExpireAccessToken(a.AdvertiserID)
			}
		}
	})
	ctx := context.Background()
	for run := 0; run < 3; run++ {
		if run == 1 {
			// A late arrival: collected before the sync point, inside the lookback.
			h.sim.Generate(h.cfg.Accounts[0].AdvertiserID, 5, now.Add(-40*time.Minute), now.Add(-20*time.Minute))
		}
		results, err := h.syncer.SyncAll(ctx)
		require.NoError(t, err, "run %d", run)
		require.Len(t, results, 3)
	}
	h.sim.OnList(nil)
	_, err := h.syncer.SyncAll(ctx) // a quiet run picks up the last arrivals
	require.NoError(t, err)
	require.Equal(t, h.simIDs(), h.storedIDs(t))
	require.GreaterOrEqual(t, len(h.simIDs()), 1205)
	stats := h.sim.Stats()
	require.Positive(t, stats.FaultsInjected(), "faults were injected")
	require.Positive(t, stats.AuthRejections, "tokens expired")
	require.GreaterOrEqual(t, stats.RefreshCalls, 6, "each account refreshed after each expiry")
}

func TestSyncThroughThirtyPercentFaults(t *testing.T) {
	h := newHarness(t, sim.Options{Seed: 32, Faults: sim.FaultConfig{Rate: 0.3, SlowDelay: 300 * time.Millisecond,
		Kinds: []sim.Fault{sim.FaultHTTP500, sim.FaultHTTP502, sim.FaultHTTP503, sim.FaultBusy, sim.FaultTruncated, sim.FaultHTML, sim.FaultSlow}}}, 3)
	h.cfg.Timeout = 100 * time.Millisecond // slow answers time out and are retried
	h.cfg.Retries = 15
	h.cfg.PageSize = 20
	h.syncer = h.newSyncer()
	now := time.Now()
	for _, a := range h.cfg.Accounts {
		h.sim.Generate(a.AdvertiserID, 200, now.Add(-10*time.Hour), now.Add(-time.Minute))
	}
	results, err := h.syncer.SyncAll(context.Background())
	require.NoError(t, err)
	require.Len(t, results, 3)
	require.Equal(t, h.simIDs(), h.storedIDs(t), "every clue stored exactly once")
	st := h.sim.Stats()
	require.GreaterOrEqual(t, st.FaultsInjected(), 10)
	t.Logf("600 clues through %d injected faults (%d slower than the timeout) in %d calls: all stored once",
		st.FaultsInjected(), st.Faults[sim.FaultSlow], st.ListCalls)
}
