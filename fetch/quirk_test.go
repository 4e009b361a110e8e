package fetch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	sim "github.com/cluebot/cluebot/sim/kuaishou"
)

// noPage are the vendor quirks whose code-0 answer carries no page.
var noPage = []sim.Quirk{sim.QuirkDataNull, sim.QuirkDetailsNull}

// TestSyncThroughAnswersWithoutAPage (issue 12 A): with 30% of pages
// answered code 0 and no page, three pulls store every clue. Such an answer
// was taken as an empty window: the sync point moved on and its clues were
// never read (400 of 600 stored).
func TestSyncThroughAnswersWithoutAPage(t *testing.T) {
	for _, q := range noPage {
		t.Run(string(q), func(t *testing.T) {
			h := newHarness(t, sim.Options{Seed: 12, Quirks: sim.QuirkConfig{Rate: 0.3, Kinds: []sim.Quirk{q}}}, 3)
			now := time.Now()
			for _, a := range h.cfg.Accounts {
				h.sim.Generate(a.AdvertiserID, 200, now.Add(-20*time.Hour), now.Add(-time.Minute))
			}
			for run := range 3 {
				_, err := h.syncer.SyncAll(context.Background())
				require.NoError(t, err, "run %d", run)
			}
			require.Len(t, h.storedIDs(t), len(h.simIDs()))
			require.Equal(t, h.simIDs(), h.storedIDs(t))
			require.Positive(t, h.sim.Stats().Quirks[q])
		})
	}
}

// TestNoPageKeepsTheWindowUnsynced (issue 12 A): when every answer after the
// first page has no page, the rows received are stored, the sync point
// stays, the account's error says why, and the next pull after the vendor
// recovers gets the rest.
func TestNoPageKeepsTheWindowUnsynced(t *testing.T) {
	for _, q := range noPage {
		t.Run(string(q), func(t *testing.T) {
			ctx := context.Background()
			h := newHarness(t, sim.Options{Seed: 13}, 1)
			a := h.cfg.Accounts[0]
			now := time.Now()
			h.sim.Generate(a.AdvertiserID, 120, now.Add(-20*time.Hour), now.Add(-2*time.Hour))
			require.NoError(t, h.syncer.SyncAccount(ctx, a).Err)
			before, err := h.store.SyncState(ctx, a.AdvertiserID)
			require.NoError(t, err)

			h.sim.Generate(a.AdvertiserID, 150, now.Add(-50*time.Minute), now.Add(-10*time.Minute))
			h.sim.OnList(func(_ sim.ListRequest, page int) {
				if page >= 2 {
					h.sim.SetQuirks(sim.QuirkConfig{Rate: 1, Kinds: []sim.Quirk{q}})
				}
			})
			res := h.syncer.SyncAccount(ctx, a)
			require.ErrorIs(t, res.Err, fetch.ErrNoPage)
			require.ErrorContains(t, res.Err, "list page 2 of ")
			require.Equal(t, 50, res.Stats.Inserted, "page 1 is stored")
			require.Len(t, h.storedIDs(t), 170)
			after, err := h.store.SyncState(ctx, a.AdvertiserID)
			require.NoError(t, err)
			require.True(t, after.SyncedTo.Equal(before.SyncedTo), "sync point moved from %s to %s", before.SyncedTo, after.SyncedTo)
			require.Equal(t, res.Err.Error(), after.LastError)
			require.Contains(t, after.LastError, "answer has no page")
			require.True(t, after.LastSuccessAt.Equal(before.LastSuccessAt))
			require.Equal(t, h.cfg.Retries+1, h.sim.Stats().Quirks[q], "page 2 tried and retried, then the sync stopped")
			require.Contains(t, h.logs.String(), `"msg":"sync stopped"`)

			h.sim.OnList(nil)
			h.sim.SetQuirks(sim.QuirkConfig{})
			res = h.syncer.SyncAccount(ctx, a)
			require.NoError(t, res.Err)
			require.Len(t, h.storedIDs(t), len(h.simIDs()))
			require.Equal(t, h.simIDs(), h.storedIDs(t))
			after, err = h.store.SyncState(ctx, a.AdvertiserID)
			require.NoError(t, err)
			require.Empty(t, after.LastError)
			require.True(t, after.LastSuccessAt.After(before.LastSuccessAt))
			require.False(t, after.SyncedTo.Before(before.SyncedTo))
		})
	}
}

// underCountWarning is the message of the warning an under-count gets.
const underCountWarning = "total_count is below the rows returned; paging on while pages are full"

// TestSyncPagesPastAnUnderCount (issue 12 B): a total_count below the rows
// of the page (a page of 100 says 99) stopped the paging after that page.
// Full pages are followed whatever the count says, and the disagreement is
// logged once per window with the request_id.
func TestSyncPagesPastAnUnderCount(t *testing.T) {
	for _, tc := range []struct {
		name string
		rate float64
	}{{"every page", 1}, {"30% of pages", 0.3}} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, sim.Options{Seed: 14, Quirks: sim.QuirkConfig{Rate: tc.rate, Kinds: []sim.Quirk{sim.QuirkUnderCount}}}, 1)
			h.cfg.PageSize = 100
			h.syncer = h.newSyncer()
			a := h.cfg.Accounts[0]
			now := time.Now()
			h.sim.Generate(a.AdvertiserID, 600, now.Add(-20*time.Hour), now.Add(-time.Minute))
			res := h.syncer.SyncAccount(context.Background(), a)
			require.NoError(t, res.Err)
			require.Equal(t, 1, res.Windows)
			require.Equal(t, 600, res.Stats.Inserted)
			require.Len(t, h.storedIDs(t), len(h.simIDs()))
			require.Equal(t, h.simIDs(), h.storedIDs(t))
			require.Positive(t, h.sim.Stats().Quirks[sim.QuirkUnderCount])

			warnings := logLines(t, h.logs.String(), underCountWarning)
			require.Len(t, warnings, 1, "once per window")
			w := warnings[0]
			require.Equal(t, "WARN", w["level"])
			require.EqualValues(t, a.AdvertiserID, w["advertiser_id"])
			require.Regexp(t, `^[0-9a-f]{32}$`, w["request_id"])
			require.Less(t, w["total_count"], w["rows"])
			require.NotContains(t, h.logs.String(), a.AccessToken.Reveal())
		})
	}
}

// TestSyncHalvesAnUnderCountedCrowdedWindow: a window the count calls small
// but whose rows run past the largest window paged through is halved once
// the rows say so.
func TestSyncHalvesAnUnderCountedCrowdedWindow(t *testing.T) {
	h := newHarness(t, sim.Options{Seed: 16, Quirks: sim.QuirkConfig{Rate: 1, Kinds: []sim.Quirk{sim.QuirkUnderCount}}}, 1)
	a := h.cfg.Accounts[0]
	now := time.Now()
	h.sim.Generate(a.AdvertiserID, 400, now.Add(-23*time.Hour), now.Add(-time.Minute))
	h.syncer.SetMaxWindowRows(120)
	res := h.syncer.SyncAccount(context.Background(), a)
	require.NoError(t, res.Err)
	require.Len(t, h.storedIDs(t), len(h.simIDs()))
	require.Equal(t, h.simIDs(), h.storedIDs(t))
	require.Contains(t, h.logs.String(), "window too large, halving")
}

// TestSyncStopsWhenFullPagesRepeat: a vendor that ignores the page asked
// for and under-counts sends full pages without end; paging stops at the
// first full page past the count that brings nothing new.
func TestSyncStopsWhenFullPagesRepeat(t *testing.T) {
	h := newHarness(t, sim.Options{Seed: 15, Quirks: sim.QuirkConfig{Rate: 1, Kinds: []sim.Quirk{sim.QuirkUnderCount}}}, 1)
	firstPage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req map[string]any
		if json.Unmarshal(body, &req) == nil && req["page"] != nil {
			req["page"] = 1
			body, _ = json.Marshal(req)
		}
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		h.sim.ServeHTTP(w, r)
	}))
	t.Cleanup(firstPage.Close)
	h.cfg.BaseURL = firstPage.URL
	h.syncer = h.newSyncer()
	a := h.cfg.Accounts[0]
	now := time.Now()
	h.sim.Generate(a.AdvertiserID, 300, now.Add(-20*time.Hour), now.Add(-time.Minute))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res := h.syncer.SyncAccount(ctx, a)
	require.NoError(t, res.Err)
	require.Equal(t, 2, res.Pages)
	require.Len(t, h.storedIDs(t), h.cfg.PageSize)
}

// logLines returns the JSON log lines whose message is msg.
func logLines(t *testing.T, logs, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}
