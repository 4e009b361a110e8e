package console

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// TestOverviewAccountCountsCached: the overview reads accounts by status
// once, serves those counts while they are fresh, and refreshes them
// behind a request once they are older than accountCountsTTL.
func TestOverviewAccountCountsCached(t *testing.T) {
	e := newEnvOn(t, "sqlite", "", withAccounts)
	e.seed()
	e.seedAccounts()
	admin := e.signIn("admin", adminPass)
	failing := `<span class="num">1</span>拉取失败`

	resp, body := admin.get("/")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.Contains(t, body, failing)

	// The failing account pulls fine again.
	require.NoError(t, e.st.SaveSyncState(context.Background(), store.SyncState{AdvertiserID: acctFailing,
		LastRunAt: now, LastSuccessAt: now}))
	_, body = admin.get("/")
	require.Contains(t, body, failing, "fresh counts are served as they are")

	e.clock.Advance(accountCountsTTL + time.Second)
	_, body = admin.get("/")
	require.Contains(t, body, failing, "stale counts are served while they are read again")
	require.Eventually(t, func() bool {
		_, body = admin.get("/")
		return !contains(body, failing)
	}, 10*time.Second, 20*time.Millisecond, "the refreshed counts replace them")
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
