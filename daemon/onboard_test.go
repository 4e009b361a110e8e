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
