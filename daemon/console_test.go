package daemon

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/console"
	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/onboard"
	"github.com/cluebot/cluebot/store"
)

// TestConsoleMounted: with console.users set, the console answers on
// http.listen beside /healthz and /metrics, every response with the
// security headers; an admin signs in and searches.
func TestConsoleMounted(t *testing.T) {
	e := newEnv(t, envOptions{})
	withAdmin(t, e.cfg)
	ln, base := listen(t)
	_, stop := e.start(Options{Listener: ln})
	defer func() { require.NoError(t, stop()) }()

	for path, want := range map[string]int{"/healthz": 200, "/metrics": 200, "/api/leads": 401, "/login": 200} {
		resp, err := http.Get(base + path)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, want, resp.StatusCode, path)
		require.Equal(t, "default-src 'self'; frame-ancestors 'none'", resp.Header.Get("Content-Security-Policy"), path)
		require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), path)
	}
	require.Equal(t, http.StatusOK, leadsStatus(t, base, signIn(t, base, "admin")))

	resp, err := http.Post(base+fetch.CallbackPath+"?auth_code=x&state=y", "text/plain", nil)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, "the callback is GET only, not a console page")
	require.Equal(t, "GET, HEAD", resp.Header.Get("Allow"))
}

// withAdmin gives cfg's console one user, admin, with password "pw".
func withAdmin(t *testing.T, cfg *config.Config) {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	require.NoError(t, err)
	cfg.Console = console.Config{Users: []console.User{{Name: "admin", Role: store.RoleAdmin, PasswordHash: string(hash)}}}
}

// apiAccounts signs admin in and reads GET /api/accounts.
func apiAccounts(t *testing.T, base string) []onboard.AccountView {
	t.Helper()
	req, err := http.NewRequest("GET", base+"/api/accounts", nil)
	require.NoError(t, err)
	for _, c := range signIn(t, base, "admin") {
		req.AddCookie(c)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var got []onboard.AccountView
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	return got
}

// signIn signs name in with password "pw" through the API and returns the
// session's cookies.
func signIn(t *testing.T, base, name string) []*http.Cookie {
	t.Helper()
	resp, err := http.Post(base+"/api/session", "application/json", strings.NewReader(`{"username":"`+name+`","password":"pw"}`))
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode, name)
	return resp.Cookies()
}

// leadsStatus is the status of GET /api/leads with cookies.
func leadsStatus(t *testing.T, base string, cookies []*http.Cookie) int {
	t.Helper()
	req, err := http.NewRequest("GET", base+"/api/leads", nil)
	require.NoError(t, err)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	return resp.StatusCode
}

// TestNoConsoleWithoutUsers: without console.users the daemon serves what
// it always did, and nothing else.
func TestNoConsoleWithoutUsers(t *testing.T) {
	e := newEnv(t, envOptions{})
	ln, base := listen(t)
	_, stop := e.start(Options{Listener: ln})
	defer func() { require.NoError(t, stop()) }()
	code, _ := get(t, base+"/login")
	require.Equal(t, http.StatusNotFound, code)
	code, _ = get(t, base+"/api/leads")
	require.Equal(t, http.StatusNotFound, code)
}

// TestConsoleUsersReloaded: removing a user from cluebot.yaml ends its
// session at once; an invalid file changes nothing.
func TestConsoleUsersReloaded(t *testing.T) {
	e := newEnv(t, envOptions{})
	hash, err := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.DefaultCost) // config.Load wants 10
	require.NoError(t, err)
	user := func(name, role string) string {
		return "    - {name: " + name + ", role: " + role + ", password_hash: \"" + string(hash) + "\"}\n"
	}
	both := "kuaishou: {accounts: []}\nconsole:\n  users:\n" + user("admin", "admin") + user("viewer", "viewer")
	e.writeFile("cluebot.yaml", both)
	cfg, err := config.Load(e.cfg.File)
	require.NoError(t, err)
	e.cfg.Console = cfg.Console
	ln, base := listen(t)
	_, stop := e.start(Options{Listener: ln})
	defer func() { require.NoError(t, stop()) }()

	status := func(cookies []*http.Cookie) int { return leadsStatus(t, base, cookies) }
	admin, viewer := signIn(t, base, "admin"), signIn(t, base, "viewer")
	require.Equal(t, http.StatusOK, status(viewer))

	mark := len(e.logs.String())
	e.writeFile("cluebot.yaml", both+"  bogus: 1\n")
	require.Eventually(t, func() bool { return strings.Contains(e.logs.String()[mark:], "cluebot.yaml change rejected") },
		wait, time.Millisecond)
	require.Equal(t, http.StatusOK, status(viewer), "an invalid file changes nothing")
	mark = len(e.logs.String())
	e.writeFile("cluebot.yaml", "")
	require.Eventually(t, func() bool { return strings.Contains(e.logs.String()[mark:], "cluebot.yaml change rejected") },
		wait, time.Millisecond)
	require.Contains(t, e.logs.String()[mark:], "turning the console off needs a restart")
	require.Equal(t, http.StatusOK, status(viewer), "an empty file signs nobody out")

	e.writeFile("cluebot.yaml", "kuaishou: {accounts: []}\nconsole:\n  users:\n"+user("admin", "admin"))
	require.Eventually(t, func() bool { return strings.Contains(e.logs.String()[mark:], "console users reloaded") },
		wait, time.Millisecond)
	require.Equal(t, http.StatusUnauthorized, status(viewer), "removed: its session ended")
	require.Equal(t, http.StatusOK, status(admin))
}

// TestConsoleAccountsFromConfig: the mounted console lists the accounts of
// cluebot.yaml by name, and offers an authorize link only when the app id
// and a redirect URL make one.
func TestConsoleAccountsFromConfig(t *testing.T) {
	e := newEnv(t, envOptions{})
	withAdmin(t, e.cfg)
	require.NotEmpty(t, e.cfg.Kuaishou.Accounts)
	ln, base := listen(t)
	_, stop := e.start(Options{Listener: ln})
	defer func() { require.NoError(t, stop()) }()

	got := apiAccounts(t, base)
	want := map[string]string{}
	for _, a := range e.cfg.Kuaishou.Accounts {
		want[strconv.FormatInt(a.AdvertiserID, 10)] = a.Name
	}
	names := map[string]string{}
	for _, a := range got {
		require.Equal(t, store.SourceConfig, a.Source)
		names[a.AdvertiserID] = a.Name
	}
	require.Equal(t, want, names)

	cfg := *e.cfg
	cfg.Kuaishou.AppID, cfg.Kuaishou.OAuth.RedirectURL = 0, ""
	require.Nil(t, consoleConfig(&cfg).Authorize, "no app id: the page shows the command instead")
	cfg.Kuaishou.AppID, cfg.Kuaishou.OAuth.RedirectURL = 165000, "https://cluebot.example.com/oauth/kuaishou/callback"
	cfg.Kuaishou.OAuth.AuthorizeURL = "https://developers.e.kuaishou.com/tools/authorize"
	link, err := consoleConfig(&cfg).Authorize("state-0123456789abcdef", true)
	require.NoError(t, err)
	require.Contains(t, link, "oauth_type=agent")
}

// TestConsoleAccountsImportedNames: the mounted console names accounts by
// the app's store.Namer: an authorized account by kuaishou.account_names or
// by its imported name, the configured ones by their YAML name.
func TestConsoleAccountsImportedNames(t *testing.T) {
	e := newEnv(t, envOptions{})
	withAdmin(t, e.cfg)
	ctx := t.Context()
	st := e.app.Store
	a, err := st.PutAuthorization(ctx, store.Authorization{Type: store.AuthAgent, AdvertiserID: 90000001, UserID: 1,
		AuthTokens: store.AuthTokens{AccessToken: "acc-names", RefreshToken: "ref-names"}})
	require.NoError(t, err)
	_, _, err = st.SetAdvertisers(ctx, a, []int64{40000001, 40000002}, e.clock.Now())
	require.NoError(t, err)
	e.cfg.Kuaishou.AccountNames = map[int64]string{40000002: "洛阳奥迪"}
	e.app.Names = app.NewNamer(e.cfg, st) // as app.New makes it from this config
	first := e.cfg.Kuaishou.Accounts[0]
	require.NoError(t, st.SetAccountNames(ctx, map[int64]string{40000001: "南阳大众", first.AdvertiserID: "不该用"}))
	ln, base := listen(t)
	_, stop := e.start(Options{Listener: ln})
	defer func() { require.NoError(t, stop()) }()

	got := apiAccounts(t, base)
	names := map[string]string{}
	for _, v := range got {
		names[v.AdvertiserID] = v.Name
	}
	require.Equal(t, "南阳大众", names["40000001"])
	require.Equal(t, "洛阳奥迪", names["40000002"])
	require.Equal(t, first.Name, names[strconv.FormatInt(first.AdvertiserID, 10)], "the YAML name wins")
}
