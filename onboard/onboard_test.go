package onboard_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/onboard"
	"github.com/cluebot/cluebot/secret"
	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/postgres"
	"github.com/cluebot/cluebot/store/postgres/pgtest"
	"github.com/cluebot/cluebot/store/sqlite"
)

const (
	appID     = 1001
	appSecret = "app-secret-xyz"
	agency    = int64(19000000)
)

// backends opens each store backend the test can reach.
func backends(t *testing.T) map[string]func(t *testing.T) store.Store {
	return map[string]func(t *testing.T) store.Store{
		"sqlite": func(t *testing.T) store.Store {
			st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
			require.NoError(t, err)
			t.Cleanup(func() { st.Close() })
			return st
		},
		"postgres": func(t *testing.T) store.Store {
			dsn, schema := pgtest.FreshSchema(t)
			st, err := postgres.Open(context.Background(), dsn, postgres.Options{Schema: schema})
			require.NoError(t, err)
			t.Cleanup(func() { st.Close() })
			return st
		},
	}
}

// rig is the simulator with an agency of n advertisers, an onboarder on a
// store and cluebot's HTTP server serving the callback.
type rig struct {
	sim      *sim.Server
	simURL   string
	o        *onboard.Onboarder
	st       store.Store
	callback *httptest.Server
	members  []int64
}

func newRig(t *testing.T, st store.Store, n int) *rig {
	s := sim.New(sim.Options{AppID: appID, Secret: appSecret, Seed: 7, StringIDs: true})
	members := make([]int64, n)
	for i := range members {
		members[i] = 30000000 + int64(i)
	}
	s.AddAgency(agency, members...)
	simSrv := httptest.NewServer(s)
	t.Cleanup(simSrv.Close)
	mux := http.NewServeMux()
	cb := httptest.NewServer(mux)
	t.Cleanup(cb.Close)
	cfg := &fetch.Config{BaseURL: simSrv.URL, AppID: appID, Secret: secret.String(appSecret), PageSize: 50,
		Timeout: 2 * time.Second, Retries: 2, RetryBackoff: time.Millisecond, RetryMax: 2 * time.Millisecond,
		OAuth: fetch.OAuthConfig{AuthorizeURL: simSrv.URL + "/tools/authorize", RedirectURL: cb.URL + fetch.CallbackPath}}
	o := &onboard.Onboarder{Store: st, Vendor: fetch.NewClient(cfg, nil, nil), OAuth: cfg}
	mux.Handle("GET "+fetch.CallbackPath, o.Handler())
	return &rig{sim: s, simURL: simSrv.URL, o: o, st: st, callback: cb, members: members}
}

// browse follows the authorize URL as a browser does, through the
// simulator's redirect to the callback, and returns the callback's answer.
func browse(t *testing.T, u string) (int, string) {
	resp, err := http.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func TestBrowserFlow(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, open(t), 25)
			ctx := context.Background()
			u, err := r.o.AuthURL(ctx, true)
			require.NoError(t, err)
			require.Contains(t, u, "oauth_type=agent")

			status, body := browse(t, u)
			require.Equal(t, http.StatusOK, status, body)
			require.Contains(t, body, "已授权 25 个广告主，将从现在开始拉取线索")
			auths, err := r.st.Authorizations(ctx)
			require.NoError(t, err)
			require.Len(t, auths, 1)
			require.Equal(t, store.AuthAgent, auths[0].Type)
			require.Equal(t, agency, auths[0].AdvertiserID)
			require.Equal(t, 25, auths[0].Advertisers)
			access, _, _ := r.sim.AgencyTokens(agency)
			require.NotContains(t, body, access, "no token on the page")

			// The same state again (a reload, or a forged link): 400, nothing new.
			visits := r.sim.Authorizations()
			state := visits[len(visits)-1].Query.Get("state")
			r.sim.AddAgencyAuthCode("second-code", agency)
			status, body = browse(t, r.callback.URL+fetch.CallbackPath+"?"+url.Values{
				"auth_code": {"second-code"}, "state": {state}}.Encode())
			require.Equal(t, http.StatusBadRequest, status)
			require.Contains(t, body, "已使用或已过期")
			_, refresh, _ := r.sim.AgencyTokens(agency)
			after, err := r.st.Authorization(ctx, auths[0].ID)
			require.NoError(t, err)
			require.Equal(t, auths[0].RefreshToken, after.RefreshToken, "the code was not exchanged")
			require.NotEqual(t, "", refresh)

			status, _ = browse(t, r.callback.URL+fetch.CallbackPath+"?code=second-code&state=forged-state-0123456789")
			require.Equal(t, http.StatusBadRequest, status, "an unknown state")
		})
	}
}

func TestAuthorizeThenDiscover(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, open(t), 30)
			ctx := context.Background()
			r.sim.AddAgencyAuthCode("code-1", agency)
			res, err := r.o.Authorize(ctx, "code-1", false) // agency inferred from the grant
			require.NoError(t, err)
			require.Equal(t, store.AuthAgent, res.Type)
			require.Equal(t, 30, res.Advertisers)
			require.Equal(t, r.members, res.Added)

			r.sim.AgencyJoin(agency, 40000001)
			r.sim.AgencyLeave(agency, r.members[3])
			results, err := r.o.Discover(ctx)
			require.NoError(t, err)
			require.Len(t, results, 1)
			require.Equal(t, []int64{40000001}, results[0].Added)
			require.Equal(t, []int64{r.members[3]}, results[0].Left)
			covered, err := r.st.AuthAdvertisers(ctx, res.AuthorizationID)
			require.NoError(t, err)
			status := map[int64]string{}
			for _, c := range covered {
				status[c.AdvertiserID] = c.Status
			}
			require.Equal(t, store.AdvertiserLeft, status[r.members[3]])
			require.Equal(t, store.AdvertiserActive, status[40000001])
			require.NotContains(t, status, agency, "the agency's own account is not pulled")

			_, err = r.o.Authorize(ctx, "used-or-unknown", false)
			require.Error(t, err)
			require.False(t, strings.Contains(err.Error(), appSecret))
		})
	}
}

// TestExpiredStateStoresNothing: a link opened after 7 days gets 400 and
// no authorization; a fresh one works with `code` instead of `auth_code`.
func TestExpiredStateStoresNothing(t *testing.T) {
	st := backends(t)["sqlite"](t)
	r := newRig(t, st, 3)
	ctx := context.Background()
	u, err := r.o.AuthURL(ctx, true)
	require.NoError(t, err)
	state, err := url.Parse(u)
	require.NoError(t, err)
	r.sim.AddAgencyAuthCode("late-code", agency)
	r.o.Now = func() time.Time { return time.Now().Add(store.OAuthStateTTL + time.Hour) }
	status, _ := browse(t, r.callback.URL+fetch.CallbackPath+"?"+url.Values{
		"auth_code": {"late-code"}, "state": {state.Query().Get("state")}}.Encode())
	require.Equal(t, http.StatusBadRequest, status)
	auths, err := st.Authorizations(ctx)
	require.NoError(t, err)
	require.Empty(t, auths)

	r.o.Now = nil
	u, err = r.o.AuthURL(ctx, true)
	require.NoError(t, err)
	state, err = url.Parse(u)
	require.NoError(t, err)
	status, body := browse(t, r.callback.URL+fetch.CallbackPath+"?"+url.Values{
		"code": {"late-code"}, "state": {state.Query().Get("state")}}.Encode())
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, "已授权 3 个广告主")
}
