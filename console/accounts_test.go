package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/onboard"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
)

// Accounts of the accounts tests: two configured (the seeded leads' one,
// and one whose last pull failed) and one of an agency whose refresh failed
// for good.
const (
	acctSeeded  = 20006545
	acctFailing = 20006546
	acctReauth  = 30000001
	agencyID    = 90000001
)

// withAccounts configures the two accounts and the authorize URL of a
// developer app.
func withAccounts(c *Config) {
	c.Accounts = map[int64]string{acctSeeded: "郑州<店>", acctFailing: "洛阳"}
	fc := fetch.Config{AppID: 165000, OAuth: fetch.OAuthConfig{AuthorizeURL: fetch.DefaultAuthorizeURL,
		RedirectURL: "https://cluebot.example.com" + fetch.CallbackPath}}
	c.Authorize = fc.AuthorizeURL
}

// seedAccounts records the pulls and the failed authorization.
func (e *env) seedAccounts() {
	t, ctx := e.t, context.Background()
	pulled := now.Add(-2 * time.Minute)
	require.NoError(t, e.st.SaveSyncState(ctx, store.SyncState{AdvertiserID: acctSeeded, LastRunAt: pulled}))
	require.NoError(t, e.st.SaveSyncState(ctx, store.SyncState{AdvertiserID: acctFailing, LastRunAt: pulled,
		LastError: "kuaishou: 40001 <busy>"}))
	a, err := e.st.PutAuthorization(ctx, store.Authorization{Type: store.AuthAgent, AdvertiserID: agencyID, UserID: 1,
		AuthTokens: store.AuthTokens{AccessToken: secret.String("acc-test"), RefreshToken: secret.String("ref-test")}})
	require.NoError(t, err)
	_, _, err = e.st.SetAdvertisers(ctx, a, []int64{acctReauth}, now)
	require.NoError(t, err)
	_, err = e.st.ClaimRefresh(ctx, store.RefreshClaim{AuthorizationID: a, Owner: "t", Now: now, Lease: time.Minute})
	require.NoError(t, err)
	_, err = e.st.FailRefresh(ctx, a, "t", "refresh token refused", true, now)
	require.NoError(t, err)
}

func TestConsoleAccountsAPI(t *testing.T) { onEachStore(t, testAccountsAPI) }

func testAccountsAPI(t *testing.T, backend string) {
	e := newEnvOn(t, backend, "", withAccounts)
	e.seed()
	e.seedAccounts()

	code, body := e.anon().json("GET", "/api/accounts", nil)
	require.Equal(t, http.StatusUnauthorized, code, body)

	code, body = e.signIn("王经理", viewerPass).json("GET", "/api/accounts", nil)
	require.Equal(t, http.StatusOK, code, body)
	require.JSONEq(t, `[
	  {"advertiser_id": "30000001", "name": "", "source": "auth:1", "status": "needs-reauth",
	   "last_pull": null, "last_clue": null, "clues_today": 0, "error": "refresh token refused"},
	  {"advertiser_id": "20006546", "name": "洛阳", "source": "config", "status": "failing",
	   "last_pull": "2026-03-09T14:58:00+08:00", "last_clue": null, "clues_today": 0, "error": "kuaishou: 40001 <busy>"},
	  {"advertiser_id": "20006545", "name": "郑州<店>", "source": "config", "status": "ok",
	   "last_pull": "2026-03-09T14:58:00+08:00", "last_clue": "2026-03-09T11:30:00+08:00", "clues_today": 3, "error": ""}
	]`, body, "problems first, as cluebot accounts --json")
	require.NotContains(t, body, "acc-test")
	require.NotContains(t, body, "ref-test")
}

func TestConsoleAccountsPage(t *testing.T) {
	e := newEnvOn(t, "sqlite", "", withAccounts)
	e.seed()
	e.seedAccounts()
	admin := e.signIn("admin", adminPass)

	resp, body := admin.get("/accounts")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	reauth, failing, ok := strings.Index(body, "30000001"), strings.Index(body, "20006546"), strings.Index(body, "<td>20006545")
	require.True(t, reauth > 0 && reauth < failing && failing < ok, "needs-reauth, then failing, then ok")
	require.Contains(t, body, "郑州&lt;店&gt;")
	require.Contains(t, body, "kuaishou: 40001 &lt;busy&gt;")
	require.Contains(t, body, `action="/accounts/authorize"`)

	resp, body = admin.get("/")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.Regexp(t, `(?s)<span class="num">1</span>需重新授权.*<span class="num">1</span>拉取失败.*<span class="num">1</span>正常`, body)

	viewer := e.signIn("王经理", viewerPass)
	_, body = viewer.get("/accounts")
	require.NotContains(t, body, `action="/accounts/authorize"`, "a viewer gets no button")
	require.Contains(t, body, "cluebot auth url --agent")
	require.Regexp(t, `(?s)<h2>授权</h2>.*<td>1</td><td>代理商</td><td>90000001</td><td>1</td><td>—</td>`+
		`<td><span class="acct needs-reauth">需重新授权</span></td><td class="err">refresh token refused</td>`, body,
		"the authorizations, as cluebot auth list shows them")
	require.NotContains(t, body, "acc-test")
	require.NotContains(t, body, "ref-test")
}

func TestConsoleAuthURL(t *testing.T) {
	e := newEnvOn(t, "sqlite", "", withAccounts)
	admin, viewer := e.signIn("admin", adminPass), e.signIn("王经理", viewerPass)

	code, body := admin.json("POST", "/api/auth/url", map[string]bool{"agent": true})
	require.Equal(t, http.StatusOK, code, body)
	var out struct {
		URL       string `json:"url"`
		ExpiresAt string `json:"expires_at"`
	}
	decode(t, body, &out)
	u, err := url.Parse(out.URL)
	require.NoError(t, err)
	require.Equal(t, "agent", u.Query().Get("oauth_type"))
	require.Equal(t, "2026-03-16T15:00:00+08:00", out.ExpiresAt, "valid for a week")
	st, err := e.st.ConsumeOAuthState(context.Background(), u.Query().Get("state"), now)
	require.NoError(t, err, "the state is in the store, for the callback")
	require.True(t, st.Agent)
	audit, err := e.st.Audit(context.Background(), 10, 0)
	require.NoError(t, err)
	require.Equal(t, "auth-url", audit[0].Action)

	resp, body := admin.form("/accounts/authorize", url.Values{"agent": {"0"}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.Contains(t, body, `class="authlink" href="https://developers.e.kuaishou.com/tools/authorize?app_id=165000`)
	require.NotContains(t, body, "oauth_type")

	for name, tc := range map[string]struct {
		cl   *client
		hdr  []string
		want int
	}{
		"no session":    {e.anon(), nil, http.StatusUnauthorized},
		"no csrf token": {admin, []string{"X-CSRF-Token", "wrong"}, http.StatusForbidden},
		"viewer":        {viewer, nil, http.StatusForbidden},
		"bad body":      {admin, []string{"Content-Type", "application/json"}, http.StatusBadRequest},
	} {
		t.Run(name, func(t *testing.T) {
			var in any = map[string]bool{"agent": false}
			if name == "bad body" {
				in = map[string]string{"agent": "yes"}
			}
			code, body := tc.cl.json("POST", "/api/auth/url", in, tc.hdr...)
			require.Equal(t, tc.want, code, body)
		})
	}

	bare := newEnv(t, "") // no app id: the command line instead
	code, body = bare.signIn("admin", adminPass).json("POST", "/api/auth/url", map[string]bool{})
	require.Equal(t, http.StatusConflict, code, body)
	require.Contains(t, errorOf(t, body), "kuaishou.app_id")
}

func TestConsoleAccountsNames(t *testing.T) { onEachStore(t, testAccountsNames) }

// testAccountsNames: the API, the accounts page and a lead's page name
// accounts by cluebot.yaml and by `cluebot accounts import`, the config winning, and a name imported
// while the console runs shows within store.NamesTTL.
func testAccountsNames(t *testing.T, backend string) {
	e := newEnvOn(t, backend, "", withAccounts)
	e.seed()
	e.seedAccounts()
	ctx := context.Background()
	require.NoError(t, e.st.SetAccountNames(ctx, map[int64]string{acctSeeded: "导入的名字", acctReauth: "南阳<大众>"}))
	viewer := e.signIn("王经理", viewerPass)

	names := func() map[string]string {
		code, body := viewer.json("GET", "/api/accounts", nil)
		require.Equal(t, http.StatusOK, code, body)
		var views []onboard.AccountView
		decode(t, body, &views)
		out := map[string]string{}
		for _, v := range views {
			out[v.AdvertiserID] = v.Name
		}
		return out
	}
	require.Equal(t, map[string]string{"20006545": "郑州<店>", "20006546": "洛阳", "30000001": "南阳<大众>"}, names(),
		"config names win over imported ones; an authorized account takes its imported name")
	resp, body := viewer.get("/accounts")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.Contains(t, body, "郑州&lt;店&gt;")
	require.Contains(t, body, "南阳&lt;大众&gt;")
	require.NotContains(t, body, "导入的名字")
	resp, body = viewer.get("/leads/" + idPlain)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.Contains(t, body, "郑州&lt;店&gt; 20006545", "a lead's page names its account too")

	require.NoError(t, e.st.SetAccountNames(ctx, map[int64]string{acctReauth: "南阳新名"}))
	require.Equal(t, "南阳<大众>", names()["30000001"], "read again only after store.NamesTTL")
	e.clock.Advance(store.NamesTTL)
	require.Equal(t, "南阳新名", names()["30000001"], "an import shows without a restart")
	_, body = viewer.get("/accounts")
	require.Contains(t, body, "南阳新名")
}

// TestConsoleAccountsSilent: an ok account without a clue for silent_after
// is "无新线索" on the page, after the failing ones and before those not
// pulled yet, and stays "ok" in the JSON (the contract's statuses).
func TestConsoleAccountsSilent(t *testing.T) {
	e := newEnvOn(t, "sqlite", "", withAccounts, func(c *Config) {
		c.Silence, c.Accounts[20006547] = store.Silence{After: 3 * time.Hour}, "开封"
	})
	e.seed()
	e.seedAccounts()
	require.NoError(t, e.st.SaveSyncState(context.Background(), store.SyncState{AdvertiserID: 20006547,
		LastRunAt: now, LastSuccessAt: now}))
	viewer := e.signIn("王经理", viewerPass)

	resp, body := viewer.get("/accounts")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	failing, silent, fresh := strings.Index(body, "<td>20006546"), strings.Index(body, "<td>20006545"), strings.Index(body, "<td>20006547")
	require.True(t, failing > 0 && failing < silent && silent < fresh, "failing, then silent, then ok")
	require.Regexp(t, `(?s)<td>20006545.*?无新线索`, body)

	code, body := viewer.json("GET", "/api/accounts", nil)
	require.Equal(t, http.StatusOK, code, body)
	var views []onboard.AccountView
	decode(t, body, &views)
	require.Equal(t, "20006545", views[2].AdvertiserID)
	require.Equal(t, "ok", views[2].Status)
}
