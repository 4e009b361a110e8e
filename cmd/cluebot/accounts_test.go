package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/sqlite"
)

// TestAccountsProblemsFirst: `cluebot accounts` puts what needs someone
// first, in the text under a one-line summary and in the JSON: needs
// re-auth, failing, silent (no clue for silent_after, still "ok" in JSON),
// new, then ok.
func TestAccountsProblemsFirst(t *testing.T) {
	tr := newTrial(t, 0, 4)
	ctx, now := context.Background(), time.Now().Truncate(time.Second)
	st, err := sqlite.Open(ctx, filepath.Join(tr.dir, "data", "cluebot.db"), sqlite.Options{})
	require.NoError(t, err)
	pulled := func(id int64, errText string) {
		require.NoError(t, st.SaveSyncState(ctx, store.SyncState{AdvertiserID: id, SyncedTo: now, LastRunAt: now,
			LastSuccessAt: now, LastError: errText}))
	}
	pulled(30000001, "")
	pulled(30000002, "kuaishou: 40001 busy")
	pulled(30000003, "")
	_, err = st.UpsertClues(ctx, []store.Clue{
		{ID: "old", AdvertiserID: 30000001, CreateTime: now.Add(-100 * time.Hour), UpdateTime: now, Raw: []byte("{}")},
		{ID: "new", AdvertiserID: 30000003, CreateTime: now.Add(-time.Hour), UpdateTime: now, Raw: []byte("{}")}})
	require.NoError(t, err)
	a, err := st.PutAuthorization(ctx, store.Authorization{Type: store.AuthAgent, AdvertiserID: 19000000, UserID: 1,
		AuthTokens: store.AuthTokens{AccessToken: secret.String("acc-x"), RefreshToken: secret.String("ref-x")}})
	require.NoError(t, err)
	_, _, err = st.SetAdvertisers(ctx, a, []int64{40000001}, now)
	require.NoError(t, err)
	_, err = st.ClaimRefresh(ctx, store.RefreshClaim{AuthorizationID: a, Owner: "t", Now: now, Lease: time.Minute})
	require.NoError(t, err)
	_, err = st.FailRefresh(ctx, a, "t", "refresh token refused", true, now)
	require.NoError(t, err)
	require.NoError(t, st.Close())

	code, out, errs := tr.run("accounts")
	require.Equal(t, 0, code, errs)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Equal(t, "5 accounts: 1 ok, 1 failing, 1 needs re-auth, 1 silent, 1 new", lines[0])
	require.Regexp(t, `^ADVERTISER +NAME`, lines[1])
	var order []string
	for _, l := range lines[2:] {
		order = append(order, regexp.MustCompile(`^\d+`).FindString(l))
	}
	require.Equal(t, []string{"40000001", "30000002", "30000001", "30000004", "30000003"}, order)
	require.Regexp(t, `30000001 +账户1 +config +ok .* silent: no clue for 3d`, lines[4])
	require.Regexp(t, `40000001 .*needs-reauth .*refresh token refused`, lines[2])

	code, out, errs = tr.run("accounts", "--json")
	require.Equal(t, 0, code, errs)
	var accounts []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &accounts))
	var ids, statuses []string
	for _, a := range accounts {
		ids, statuses = append(ids, a["advertiser_id"].(string)), append(statuses, a["status"].(string))
	}
	require.Equal(t, order, ids, "the JSON in the same order")
	require.Equal(t, []string{"needs-reauth", "failing", "ok", "new", "ok"}, statuses, "the contract's statuses only")
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	require.Equal(t, now.In(shanghai).Format(time.RFC3339), accounts[2]["last_pull"],
		"times as GET /api/accounts writes them: RFC 3339 in the configured zone, to the second")
	require.Equal(t, now.Add(-100*time.Hour).In(shanghai).Format(time.RFC3339), accounts[2]["last_clue"])
	require.Nil(t, accounts[3]["last_pull"], "never pulled: null")
	first := out[:strings.Index(out, "}")]
	var keys []string
	for _, m := range regexp.MustCompile(`(?m)^\s+"([a-z_]+)": `).FindAllStringSubmatch(first, -1) {
		keys = append(keys, m[1])
	}
	require.Equal(t, []string{"advertiser_id", "name", "source", "status", "last_pull", "last_clue", "clues_today", "error"},
		keys, "the contract's order, as GET /api/accounts")
}
