package console

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/postgres"
	"github.com/cluebot/cluebot/store/postgres/pgtest"
	"github.com/cluebot/cluebot/store/sqlite"
)

// Passwords of the test users.
const (
	adminPass  = "admin-pass-1"
	viewerPass = "viewer-pass-2"
)

// now is the fake clock's start: 15:00 Beijing time, the day of the leads.
var now = time.Date(2026, 3, 9, 15, 0, 0, 0, beijing)

var beijing = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return l
}()

// hashFor hashes at bcrypt's least cost: the tests sign in often.
func hashFor(t *testing.T, pw string) string {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	require.NoError(t, err)
	return string(h)
}

// env is a console over a real SQLite store, served by httptest.
type env struct {
	t     *testing.T
	st    store.Store
	c     *Console
	srv   *httptest.Server
	clock *clockwork.FakeClock
	users []User
}

// newEnv serves a console with an admin ("admin") and a viewer ("王经理")
// over a fresh SQLite store; baseURL may be "".
func newEnv(t *testing.T, baseURL string) *env { return newEnvOn(t, "sqlite", baseURL) }

// backends are the stores to run the API tests on: SQLite, and PostgreSQL
// when CLUEBOT_TEST_POSTGRES names one.
func backends() []string {
	if os.Getenv("CLUEBOT_TEST_POSTGRES") != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// onEachStore runs test on each of backends.
func onEachStore(t *testing.T, test func(t *testing.T, backend string)) {
	for _, b := range backends() {
		t.Run(b, func(t *testing.T) { test(t, b) })
	}
}

// newEnvOn is newEnv on backend, "sqlite" or "postgres" (a fresh schema),
// its config changed by opts.
func newEnvOn(t *testing.T, backend, baseURL string, opts ...func(*Config)) *env {
	t.Helper()
	clock := clockwork.NewFakeClockAt(now)
	var st store.Store
	switch backend {
	case "postgres":
		dsn, schema := pgtest.FreshSchema(t)
		pg, err := postgres.Open(context.Background(), dsn, postgres.Options{Now: clock.Now, Schema: schema})
		require.NoError(t, err)
		st = pg
	default:
		sq, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), sqlite.Options{Now: clock.Now})
		require.NoError(t, err)
		st = sq
	}
	t.Cleanup(func() { _ = st.Close() })
	users := []User{
		{Name: "admin", Role: store.RoleAdmin, PasswordHash: hashFor(t, adminPass)},
		{Name: "王经理", Role: store.RoleViewer, PasswordHash: hashFor(t, viewerPass)},
	}
	cfg := Config{BaseURL: baseURL, SessionTTL: time.Hour, Users: users, Zone: beijing}
	for _, o := range opts {
		o(&cfg)
	}
	c, err := New(cfg, st, nil, clock)
	require.NoError(t, err)
	srv := httptest.NewServer(c.Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, st: st, c: c, srv: srv, clock: clock, users: users}
}

// client is one browser: its cookies and the CSRF token of its session.
type client struct {
	e    *env
	http *http.Client
	csrf string
}

// anon is a client that is not signed in and follows no redirect.
func (e *env) anon() *client {
	jar, err := cookiejar.New(nil)
	require.NoError(e.t, err)
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// signIn returns a client signed in through the API as name.
func (e *env) signIn(name, pw string) *client {
	e.t.Helper()
	cl := e.anon()
	code, body := cl.json("POST", "/api/session", map[string]string{"username": name, "password": pw})
	require.Equal(e.t, http.StatusOK, code, body)
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	require.NoError(e.t, json.Unmarshal([]byte(body), &out))
	require.NotEmpty(e.t, out.CSRF)
	cl.csrf = out.CSRF
	return cl
}

// do sends a request and returns the response with its body read.
func (cl *client) do(req *http.Request) (*http.Response, string) {
	cl.e.t.Helper()
	resp, err := cl.http.Do(req)
	require.NoError(cl.e.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(cl.e.t, err)
	return resp, string(b)
}

// req sends method path with a JSON body (nil: none) and the client's CSRF
// token, if it has one.
func (cl *client) req(method, path string, body any, hdr ...string) (*http.Response, string) {
	cl.e.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(cl.e.t, err)
		r = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, cl.e.srv.URL+path, r)
	require.NoError(cl.e.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if cl.csrf != "" {
		req.Header.Set("X-CSRF-Token", cl.csrf)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return cl.do(req)
}

// json is req returning status and body.
func (cl *client) json(method, path string, body any, hdr ...string) (int, string) {
	cl.e.t.Helper()
	resp, b := cl.req(method, path, body, hdr...)
	return resp.StatusCode, b
}

// form posts a page's form; the CSRF token goes in as csrf_token unless
// the form sets it.
func (cl *client) form(path string, v url.Values) (*http.Response, string) {
	cl.e.t.Helper()
	if _, ok := v["csrf_token"]; !ok && cl.csrf != "" {
		v.Set("csrf_token", cl.csrf)
	}
	req, err := http.NewRequest("POST", cl.e.srv.URL+path, strings.NewReader(v.Encode()))
	require.NoError(cl.e.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return cl.do(req)
}

// get fetches a page or an API answer.
func (cl *client) get(path string) (*http.Response, string) {
	cl.e.t.Helper()
	req, err := http.NewRequest("GET", cl.e.srv.URL+path, nil)
	require.NoError(cl.e.t, err)
	return cl.do(req)
}

// decode unmarshals a JSON body into v.
func decode(t *testing.T, body string, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal([]byte(body), v), body)
}

// errorOf is the "error" of a JSON error body.
func errorOf(t *testing.T, body string) string {
	t.Helper()
	var e struct{ Error string }
	decode(t, body, &e)
	require.NotEmpty(t, e.Error, body)
	return e.Error
}

// sessionCookie is the Set-Cookie of the session in resp.
func sessionCookie(t *testing.T, resp *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == CookieName {
			return c
		}
	}
	require.Fail(t, fmt.Sprintf("no %s cookie in %v", CookieName, resp.Header.Values("Set-Cookie")))
	return nil
}
