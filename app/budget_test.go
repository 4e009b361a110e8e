package app_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
)

// TestRunChecksTheBudgetWithAuthorizedAccounts: the budget that covers
// cluebot.yaml's one account cannot cover the 7 an agency adds; the check
// counts them all (the overlapping one once), logs an error every time and
// tells ops_receivers once.
func TestRunChecksTheBudgetWithAuthorizedAccounts(t *testing.T) {
	hook := &opsHook{}
	// Every account at least every 10m, rounded up: 1 account takes 1 call
	// a minute, 16 take 2.
	a := newOpsAppWith(t, "http://127.0.0.1:9", hook, "  calls_per_minute: 1\n  max_staleness: 10m\n")
	var logs bytes.Buffer
	a.Log = slog.New(slog.NewJSONHandler(&logs, nil))
	ctx, now := context.Background(), time.Now()
	require.NoError(t, a.CheckBudget(ctx, now), "one YAML account fits")
	require.Empty(t, logs.String())

	id := putAgency(t, a, now)
	ids := []int64{30000001} // the YAML account, counted once
	for i := range 15 {
		ids = append(ids, 40000001+int64(i))
	}
	_, _, err := a.Store.SetAdvertisers(ctx, id, ids, now)
	require.NoError(t, err)

	err = a.CheckBudget(ctx, now)
	require.EqualError(t, err, "kuaishou.calls_per_minute: 16 accounts polled at least every 10m0s take 2 calls a minute, more than 1; raise max_staleness or the budget")
	require.Contains(t, logs.String(), `"level":"ERROR","msg":"the API budget cannot cover every account`)
	require.Contains(t, logs.String(), `"accounts":16,"config_accounts":1,"authorized_accounts":15,"calls_needed_per_minute":2,"calls_per_minute":1`)
	require.Equal(t, 1, hook.count())
	require.Equal(t, "快手 API 调用配额不够拉取所有账户", hook.notices[0].Title)
	require.Contains(t, hook.notices[0].Lines[0], "共 16 个账户（cluebot.yaml 1 个，授权 15 个）")
	require.NotContains(t, logs.String()+hook.notices[0].Lines[0], "agency-")

	logs.Reset()
	require.Error(t, a.CheckBudget(ctx, now.Add(time.Hour)))
	require.Contains(t, logs.String(), `"level":"ERROR"`, "logged at every check")
	require.Equal(t, 1, hook.count(), "told once")
	require.Error(t, a.CheckBudget(ctx, now.Add(25*time.Hour)))
	require.Equal(t, 2, hook.count(), "told again a day later while still short")

	require.Contains(t, app.BudgetNote(a.Config), "checked against the 1 accounts in cluebot.yaml")
}

// TestRunChecksTheRateWithoutABudget: on the default setup (SQLite, no
// calls_per_minute) every account is pulled each poll_interval at qps; the
// check then measures a cycle against qps × 60, counts the authorized
// accounts, logs an error every time, tells ops_receivers once a day and
// suggests calls_per_minute.
func TestRunChecksTheRateWithoutABudget(t *testing.T) {
	hook := &opsHook{}
	// qps 1 is 60 calls a minute; pulling every account each 10s takes 6
	// calls a minute an account: 10 fit, 11 do not.
	a := newOpsAppWith(t, "http://127.0.0.1:9", hook, "  qps: 1\n  poll_interval: 10s\n")
	require.False(t, a.Adaptive())
	var logs bytes.Buffer
	a.Log = slog.New(slog.NewJSONHandler(&logs, nil))
	ctx, now := context.Background(), time.Now()
	require.NoError(t, a.CheckBudget(ctx, now), "one YAML account fits")
	require.Empty(t, logs.String())

	id := putAgency(t, a, now)
	ids := []int64{30000001}
	for i := range 9 {
		ids = append(ids, 40000001+int64(i))
	}
	_, _, err := a.Store.SetAdvertisers(ctx, id, ids, now)
	require.NoError(t, err)
	require.NoError(t, a.CheckBudget(ctx, now), "10 accounts take 60 calls a minute: they fit")
	require.Empty(t, logs.String())

	_, _, err = a.Store.SetAdvertisers(ctx, id, append(ids, 40000010), now)
	require.NoError(t, err)
	err = a.CheckBudget(ctx, now)
	require.EqualError(t, err, "kuaishou.qps: 11 accounts pulled every poll_interval (10s) take 66 calls a minute, more than qps 1 allows (60): "+
		"a cycle takes about 11s; set kuaishou.calls_per_minute (at most qps × 60 = 60) to poll adaptively: busy accounts every poll_interval, "+
		"quiet ones every max_staleness (3 calls a minute for 11 accounts)")
	require.Contains(t, logs.String(), `"level":"ERROR","msg":"kuaishou.qps cannot pull every account within poll_interval`)
	require.Contains(t, logs.String(), `"accounts":11,"config_accounts":1,"authorized_accounts":10,"calls_needed_per_minute":66,"qps_calls_per_minute":60`)
	require.Equal(t, 1, hook.count())
	require.Contains(t, hook.notices[0].Lines[0], "共 11 个账户（cluebot.yaml 1 个，授权 10 个）")
	require.Contains(t, hook.notices[0].Lines[0], "一轮拉取约 11s")
	require.Contains(t, hook.notices[0].Lines[1], "kuaishou.calls_per_minute")
	require.NotContains(t, logs.String()+hook.notices[0].Lines[0], "agency-")

	logs.Reset()
	require.Error(t, a.CheckBudget(ctx, now.Add(time.Hour)))
	require.Contains(t, logs.String(), `"level":"ERROR"`, "logged at every check")
	require.Equal(t, 1, hook.count(), "told once a day")
	require.Empty(t, app.BudgetNote(a.Config), "config check counts cluebot.yaml's one account: it fits")
	a.Config.Kuaishou.PollInterval = time.Second
	require.Empty(t, app.BudgetNote(a.Config), "one account every second is 60 calls a minute: exactly qps")
	a.Config.Kuaishou.PollInterval = 500 * time.Millisecond
	require.Contains(t, app.BudgetNote(a.Config), "take 120 calls a minute, more than qps 1 allows (60)")
	require.Contains(t, app.BudgetNote(a.Config), "cluebot run checks again with every account")
	a.Config.Store.Driver = "postgres"
	require.Empty(t, app.BudgetNote(a.Config), "polled adaptively on a shared store")
}

// TestRateCheckNumbers: the audit's case, 301 accounts at qps 5 every 5s,
// is a cycle of a minute; unlimited qps is never short.
func TestRateCheckNumbers(t *testing.T) {
	tests := []struct {
		name     string
		cfg      fetch.Config
		accounts int
		want     string
	}{
		{"audit", fetch.Config{QPS: 5, PollInterval: 5 * time.Second, MaxStaleness: 5 * time.Minute}, 301,
			"kuaishou.qps: 301 accounts pulled every poll_interval (5s) take 3612 calls a minute, more than qps 5 allows (300): a cycle takes about 1m0s; " +
				"set kuaishou.calls_per_minute (at most qps × 60 = 300) to poll adaptively: busy accounts every poll_interval, quiet ones every max_staleness (61 calls a minute for 301 accounts)"},
		{"too many even adaptively", fetch.Config{QPS: 5, PollInterval: time.Minute, MaxStaleness: 5 * time.Minute}, 10000,
			"kuaishou.qps: 10000 accounts pulled every poll_interval (1m0s) take 10000 calls a minute, more than qps 5 allows (300): a cycle takes about 33m20s; " +
				"set kuaishou.calls_per_minute (at most qps × 60 = 300) to poll adaptively: busy accounts every poll_interval, quiet ones every max_staleness (2000 calls a minute for 10000 accounts), and raise kuaishou.qps or max_staleness"},
		{"fits", fetch.Config{QPS: 5, PollInterval: time.Minute}, 300, ""},
		{"unlimited", fetch.Config{PollInterval: time.Second}, 10000, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.CheckRate(tt.accounts)
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tt.want)
		})
	}
}

// TestAPIUse: with calls_per_minute the calls of the minute are the
// budget's slots in the store (every instance's); without it this
// process's calls, made through the syncer's client, against qps × 60.
func TestAPIUse(t *testing.T) {
	ctx := context.Background()
	t.Run("this process against qps", func(t *testing.T) {
		a := newOpsAppWith(t, "http://127.0.0.1:9", &opsHook{}, "  qps: 2\n  retries: 0\n")
		_, err := a.Syncer.SyncAll(ctx)
		require.Error(t, err, "nothing listens at the API's address")
		u, err := a.APIUse(ctx, time.Now())
		require.NoError(t, err)
		require.Equal(t, app.APIUse{Calls: 1, Limit: 120}, u, "the failed call counts: it was made")
	})
	t.Run("every instance against calls_per_minute", func(t *testing.T) {
		a := newOpsAppWith(t, "http://127.0.0.1:9", &opsHook{}, "  calls_per_minute: 100\n  retries: 0\n")
		p := a.Store.(store.Pacing)
		now := time.Now()
		other := fetch.Budget{Store: p, PerMinute: 100, Now: func() time.Time { return now.Add(-30 * time.Second) }}
		require.NoError(t, other.Wait(ctx), "another instance's call, half a minute ago")
		_, err := a.Syncer.SyncAll(ctx)
		require.Error(t, err)
		u, err := a.APIUse(ctx, time.Now())
		require.NoError(t, err)
		require.Equal(t, app.APIUse{Calls: 2, Limit: 100, Shared: true}, u)
		u, err = a.APIUse(ctx, now.Add(31*time.Second))
		require.NoError(t, err)
		require.Equal(t, 1, u.Calls, "the other instance's call left the minute")
	})
}

// putAgency stores an agency authorization, its tokens marked agency-, and
// returns its id.
func putAgency(t *testing.T, a *app.App, now time.Time) int64 {
	t.Helper()
	id, err := a.Store.PutAuthorization(t.Context(), store.Authorization{Type: store.AuthAgent, AdvertiserID: 19000000,
		AuthTokens: store.AuthTokens{AccessToken: secret.String("agency-access-x"), RefreshToken: secret.String("agency-refresh-x"),
			AccessExpiresAt: now.Add(time.Hour), RefreshExpiresAt: now.Add(24 * time.Hour)}})
	require.NoError(t, err)
	return id
}
