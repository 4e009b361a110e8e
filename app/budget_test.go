package app_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/app"
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

	id, err := a.Store.PutAuthorization(ctx, store.Authorization{Type: store.AuthAgent, AdvertiserID: 19000000,
		AuthTokens: store.AuthTokens{AccessToken: secret.String("agency-access-x"), RefreshToken: secret.String("agency-refresh-x"),
			AccessExpiresAt: now.Add(time.Hour), RefreshExpiresAt: now.Add(24 * time.Hour)}})
	require.NoError(t, err)
	ids := []int64{30000001} // the YAML account, counted once
	for i := range 15 {
		ids = append(ids, 40000001+int64(i))
	}
	_, _, err = a.Store.SetAdvertisers(ctx, id, ids, now)
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
