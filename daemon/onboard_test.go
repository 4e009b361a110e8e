package daemon

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/store"
)

// TestAgencyOnboardingThroughTheDaemon follows the browser flow through the
// daemon's HTTP server (the simulator's authorize page redirects to the
// callback), then lets the discovery job find a joined and a left
// advertiser after discover_interval.
func TestAgencyOnboardingThroughTheDaemon(t *testing.T) {
	const agency = int64(19000000)
	e := newEnv(t, envOptions{})
	members := []int64{50000001, 50000002, 50000003}
	e.ks.AddAgency(agency, members...)
	ln, base := listen(t)
	e.app.Config.Kuaishou.OAuth.AuthorizeURL = "http://" + ln.Addr().String() + "/unused"
	e.app.Config.Kuaishou.OAuth.RedirectURL = base + fetch.CallbackPath
	d, _ := e.start(Options{Listener: ln})
	ctx := context.Background()

	u, err := d.onboard.AuthURL(ctx, true)
	require.NoError(t, err)
	// The simulator serves the authorize page on its own address.
	ks := e.app.Config.Kuaishou.BaseURL + "/tools/authorize?" + u[len("http://"+ln.Addr().String()+"/unused?"):]
	resp, err := http.Get(ks)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"), "the console's security headers")
	require.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")

	auths, err := e.app.Store.Authorizations(ctx)
	require.NoError(t, err)
	require.Len(t, auths, 1)
	require.Equal(t, 3, auths[0].Advertisers)

	code, body := get(t, base+fetch.CallbackPath+"?auth_code=x&state=forged-state-0123456789abcdef")
	require.Equal(t, http.StatusBadRequest, code, body)

	e.ks.AgencyJoin(agency, 50000009)
	e.ks.AgencyLeave(agency, 50000001)
	start := runs(d, JobDiscover)
	e.clock.Advance(e.cfg.Kuaishou.DiscoverInterval + time.Second)
	waitRuns(t, d, JobDiscover, start+1)
	covered, err := e.app.Store.AuthAdvertisers(ctx, auths[0].ID)
	require.NoError(t, err)
	got := map[int64]string{}
	for _, c := range covered {
		got[c.AdvertiserID] = c.Status
	}
	require.Equal(t, map[int64]string{50000001: store.AdvertiserLeft, 50000002: store.AdvertiserActive,
		50000003: store.AdvertiserActive, 50000009: store.AdvertiserActive}, got)
	require.True(t, e.logs.contains("advertisers discovered"))
}

// TestRunChecksTheBudgetAfterDiscovery: the budget fits cluebot.yaml's one
// account, which is all `config check` counts; the daemon's discovery at
// start finds an agency's 700 more and says loudly that they do not fit.
func TestRunChecksTheBudgetAfterDiscovery(t *testing.T) {
	const agency = int64(19000000)
	e := newEnv(t, envOptions{})
	members := make([]int64, 700)
	for i := range members {
		members[i] = 50000001 + int64(i)
	}
	e.ks.AddAgency(agency, members...)
	e.ks.SetAgencyTokens(agency, "agency-access-0123", "agency-refresh-0123")
	k := &e.app.Config.Kuaishou
	// Every account at least every minute: 701 take 701 calls a minute.
	k.CallsPerMinute, k.MaxStaleness = 600, time.Minute
	require.NoError(t, k.Validate(), "config check's count: one account fits")
	ctx := context.Background()
	now := e.clock.Now()
	_, err := e.app.Store.PutAuthorization(ctx, store.Authorization{Type: store.AuthAgent, AdvertiserID: agency,
		AuthTokens: store.AuthTokens{AccessToken: "agency-access-0123", RefreshToken: "agency-refresh-0123",
			AccessExpiresAt: now.Add(24 * time.Hour), RefreshExpiresAt: now.Add(720 * time.Hour)}})
	require.NoError(t, err)
	d, _ := e.start(Options{})
	waitRuns(t, d, JobDiscover, 1)
	require.True(t, e.logs.contains(`"level":"ERROR","msg":"the API budget cannot cover every account`), "logged at error")
	require.True(t, e.logs.contains(`"accounts":701,"config_accounts":1,"authorized_accounts":700`))
	require.False(t, e.logs.contains("agency-access-0123"))
}

// TestStartupLogCountsEveryAccount: "cluebot running" counts the accounts
// of authorizations kept in the store, not only cluebot.yaml's one.
func TestStartupLogCountsEveryAccount(t *testing.T) {
	e := newEnv(t, envOptions{})
	members := []int64{50000001, 50000002, 50000003}
	// The simulator knows the agency, so discovery at start finds the same
	// advertisers.
	e.ks.AddAgency(19000000, members...)
	e.ks.SetAgencyTokens(19000000, "agency-access-0123", "agency-refresh-0123")
	ctx, now := context.Background(), e.clock.Now()
	id, err := e.app.Store.PutAuthorization(ctx, store.Authorization{Type: store.AuthAgent, AdvertiserID: 19000000,
		AuthTokens: store.AuthTokens{AccessToken: "agency-access-0123", RefreshToken: "agency-refresh-0123",
			AccessExpiresAt: now.Add(24 * time.Hour), RefreshExpiresAt: now.Add(720 * time.Hour)}})
	require.NoError(t, err)
	_, _, err = e.app.Store.SetAdvertisers(ctx, id, members, now)
	require.NoError(t, err)
	e.start(Options{})
	require.True(t, e.logs.contains(`"msg":"cluebot running","accounts":4,"config_accounts":1,"authorized_accounts":3`), e.logs.String())
}
