package daemon

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/store"
)

// TestReauthorizeThroughTheDaemon: approving the browser flow again for a
// healthy authorization (the vendor retires the token the daemon holds)
// answers 200 with the count, and the discovery job after it reads the
// list with the new pair.
func TestReauthorizeThroughTheDaemon(t *testing.T) {
	const agency = int64(19000000)
	e := newEnv(t, envOptions{})
	e.ks.AddAgency(agency, 50000001, 50000002, 50000003)
	ln, base := listen(t)
	unused := "http://" + ln.Addr().String() + "/unused"
	e.app.Config.Kuaishou.OAuth.AuthorizeURL = unused
	e.app.Config.Kuaishou.OAuth.RedirectURL = base + fetch.CallbackPath
	d, _ := e.start(Options{Listener: ln})
	ctx := context.Background()

	var first string
	for i := range 2 {
		u, err := d.onboard.AuthURL(ctx, true)
		require.NoError(t, err)
		code, body := get(t, e.app.Config.Kuaishou.BaseURL+"/tools/authorize?"+u[len(unused+"?"):])
		require.Equal(t, 200, code, "approval %d: %s", i+1, body)
		require.Contains(t, body, "已授权 3 个广告主")
		if access, _, _ := e.ks.AgencyTokens(agency); i == 0 {
			first = access
		} else {
			require.NotEqual(t, first, access, "a new pair was issued")
		}
	}

	e.ks.AgencyJoin(agency, 50000009)
	// A discovery that began before the join (the callback starts one)
	// may be the run counted first: wait for one that read the list after.
	var auths []store.Authorization
	require.Eventually(t, func() bool {
		start := runs(d, JobDiscover)
		e.clock.Advance(e.cfg.Kuaishou.DiscoverInterval + time.Second)
		waitRuns(t, d, JobDiscover, start+1)
		var err error
		auths, err = e.app.Store.Authorizations(ctx)
		require.NoError(t, err)
		require.Len(t, auths, 1)
		return auths[0].Advertisers == 4
	}, 20*time.Second, 10*time.Millisecond, "discovery read the list with the new pair")
	require.Equal(t, store.AuthOK, auths[0].Status, "approving again while pulls ran needs no re-auth")
	require.False(t, e.logs.contains("discovery failed"))
	require.False(t, e.logs.contains("needs re-auth"))
}
