package writeback_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/secret"
	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/sqlite"
	"github.com/cluebot/cluebot/writeback"
)

const adv = int64(20006545)

type harness struct {
	sim    *sim.Server
	st     *sqlite.Store
	syncer *fetch.Syncer
	w      *writeback.Writer
	now    time.Time
}

func newHarness(t *testing.T, opts sim.Options) *harness {
	t.Helper()
	s := sim.New(opts)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, st.Close()) })
	cfg := &fetch.Config{BaseURL: srv.URL, PageSize: 50, PollInterval: time.Minute, Lookback: time.Hour,
		Backfill: 24 * time.Hour, Window: 24 * time.Hour, Concurrency: 1, Timeout: 2 * time.Second, Retries: 2,
		RetryBackoff: time.Millisecond, RetryMax: 5 * time.Millisecond, RefreshAhead: time.Minute,
		DiscoverInterval: time.Hour, OAuth: fetch.OAuthConfig{AuthorizeURL: fetch.DefaultAuthorizeURL},
		WriteBack: true}
	s.AddAccount(adv, "access-initial", "")
	acct := fetch.Account{AdvertiserID: adv, Name: "a", AccessToken: secret.String("access-initial")}
	cfg.Accounts = []fetch.Account{acct}
	log := slog.New(slog.DiscardHandler)
	client := fetch.NewClient(cfg, nil, log)
	// The API budget, as the app adds it: a write-back takes a slot like a pull.
	client.AddLimiter(fetch.Budget{Store: st, PerMinute: 100})
	tokens := fetch.NewTokens(client, st, cfg, log, time.Now)
	h := &harness{sim: s, st: st, syncer: fetch.NewSyncer(cfg, client, tokens, st, log, time.Now), now: time.Now()}
	h.w = &writeback.Writer{Store: st, API: client, Now: func() time.Time { return h.now }, Log: log,
		Tokens: func(id int64) (fetch.TokenSource, bool) {
			if id != adv {
				return nil, false
			}
			return tokens.Source(acct), true
		}}
	return h
}

func (h *harness) pull(t *testing.T) {
	t.Helper()
	res, err := h.syncer.SyncAll(t.Context())
	require.NoError(t, err)
	for _, r := range res {
		require.NoError(t, r.Err)
	}
}

// TestMarksReachTheVendor: marks made in cluebot are written with
// clue_mark/update, once, and a later pull shows the vendor's new schedule.
func TestMarksReachTheVendor(t *testing.T) {
	h := newHarness(t, sim.Options{Seed: 3})
	ids := h.sim.Generate(adv, 2, time.Now().Add(-30*time.Minute), time.Now().Add(-time.Minute))
	h.pull(t)
	ctx := t.Context()
	require.NoError(t, h.st.SetMark(ctx, store.Mark{ClueID: ids[0], Status: store.MarkContacted, By: "张三", At: h.now}))
	require.NoError(t, h.st.SetMark(ctx, store.Mark{ClueID: ids[1], Status: store.MarkInvalid, By: "李四", At: h.now}))

	res, err := h.w.Run(ctx)
	require.NoError(t, err)
	require.Equal(t, writeback.Result{Done: 2}, res)
	marks := h.sim.Marks()
	require.Len(t, marks, 2)
	byID := map[string]sim.Mark{}
	for _, m := range marks {
		byID[m.ClueID] = m
	}
	require.EqualValues(t, 1, *byID[ids[0]].ScheduleID, "已联系: 电话已建联")
	require.EqualValues(t, 3, *byID[ids[0]].CallStat, "已联系: 已跟进")
	require.EqualValues(t, 8, *byID[ids[1]].ScheduleID, "无效: 无意向")

	res, err = h.w.Run(ctx)
	require.NoError(t, err)
	require.Equal(t, writeback.Result{}, res, "written once")
	require.Len(t, h.sim.Marks(), 2)
	wb, err := h.st.WriteBackOf(ctx, ids[0])
	require.NoError(t, err)
	require.Equal(t, store.WriteBackDone, wb.State)
	require.Equal(t, 1, wb.Attempts)

	h.pull(t)
	c0, err := h.st.Clue(ctx, ids[0])
	require.NoError(t, err)
	c1, err := h.st.Clue(ctx, ids[1])
	require.NoError(t, err)
	require.NotEqual(t, c0.ScheduleID, c1.ScheduleID, "the pull shows the vendor's schedules")
	hist, err := h.st.ClueHistory(ctx, ids[0])
	require.NoError(t, err)
	require.NotEmpty(t, hist, "the changed schedule is a history change")

	h.now = h.now.Add(time.Minute)
	require.NoError(t, h.st.SetMark(ctx, store.Mark{ClueID: ids[0], Status: store.MarkInvalid, By: "张三", At: h.now}))
	res, err = h.w.Run(ctx)
	require.NoError(t, err)
	require.Equal(t, writeback.Result{Done: 1}, res, "a later mark is written too")
	require.EqualValues(t, 8, *h.sim.Marks()[2].ScheduleID)
}

// TestFailuresAreRetriedThenShown: a busy vendor is retried after a backoff
// and the error stays on the lead; a clue the vendor does not have fails
// for good at once.
func TestFailuresAreRetriedThenShown(t *testing.T) {
	h := newHarness(t, sim.Options{Seed: 3, MarkFaults: sim.FaultConfig{Rate: 1, Kinds: []sim.Fault{sim.FaultBusy}}})
	ids := h.sim.Generate(adv, 1, time.Now().Add(-30*time.Minute), time.Now().Add(-time.Minute))
	h.pull(t)
	ctx := context.Background()
	require.NoError(t, h.st.SetMark(ctx, store.Mark{ClueID: ids[0], Status: store.MarkContacted, By: "张三", At: h.now}))
	h.w.MaxAttempts = 2

	res, err := h.w.Run(ctx)
	require.NoError(t, err)
	require.Equal(t, writeback.Result{Retrying: 1}, res)
	wb, err := h.st.WriteBackOf(ctx, ids[0])
	require.NoError(t, err)
	require.Equal(t, store.WriteBackPending, wb.State)
	require.NotEmpty(t, wb.LastError)
	require.Equal(t, h.now.Add(time.Minute).UnixMilli(), wb.NextAt.UnixMilli())

	res, err = h.w.Run(ctx)
	require.NoError(t, err)
	require.Equal(t, writeback.Result{}, res, "not before its backoff")
	h.now = h.now.Add(time.Minute)
	res, err = h.w.Run(ctx)
	require.NoError(t, err)
	require.Equal(t, writeback.Result{Failed: 1}, res, "MaxAttempts used up")
	wb, err = h.st.WriteBackOf(ctx, ids[0])
	require.NoError(t, err)
	require.Equal(t, store.WriteBackFailed, wb.State)
	require.Equal(t, 2, wb.Attempts)
	require.Empty(t, h.sim.Marks())

	// A lead of an account cluebot no longer has fails at once.
	_, err = h.st.UpsertClues(ctx, []store.Clue{{ID: "123456789", AdvertiserID: 99, CreateTime: h.now, UpdateTime: h.now}})
	require.NoError(t, err)
	require.NoError(t, h.st.SetMark(ctx, store.Mark{ClueID: "123456789", Status: store.MarkInvalid, By: "a", At: h.now}))
	res, err = h.w.Run(ctx)
	require.NoError(t, err)
	require.Equal(t, writeback.Result{Failed: 1}, res)
	wb, err = h.st.WriteBackOf(ctx, "123456789")
	require.NoError(t, err)
	require.Contains(t, wb.LastError, "not configured")
}
