package console

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/cluebot/cluebot/store"
)

// TestSignIn covers every answer of POST /api/session.
func TestSignIn(t *testing.T) {
	e := newEnv(t, "")
	creds := func(u, p string) map[string]string { return map[string]string{"username": u, "password": p} }
	tests := []struct {
		name string
		body any
		hdr  []string
		want int
	}{
		{"admin", creds("admin", adminPass), nil, http.StatusOK},
		{"viewer with a Chinese name", creds("王经理", viewerPass), nil, http.StatusOK},
		{"wrong password", creds("admin", "nope"), nil, http.StatusUnauthorized},
		{"unknown name", creds("nobody", adminPass), nil, http.StatusUnauthorized},
		{"another user's password", creds("admin", viewerPass), nil, http.StatusUnauthorized},
		{"not JSON", nil, []string{"Content-Type", "application/x-www-form-urlencoded"}, http.StatusUnsupportedMediaType},
		{"bad JSON", "x", nil, http.StatusBadRequest},
		{"unknown field", map[string]string{"username": "admin", "password": adminPass, "role": "admin"}, nil, http.StatusBadRequest},
		{"another site's Origin", creds("admin", adminPass), []string{"Origin", "https://evil.example"}, http.StatusForbidden},
		{"its own Origin", creds("admin", adminPass), []string{"Origin", e.srv.URL}, http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.anon().req("POST", "/api/session", tc.body, tc.hdr...)
			require.Equal(t, tc.want, resp.StatusCode, body)
			if tc.want != http.StatusOK {
				errorOf(t, body)
				require.Empty(t, resp.Cookies())
				return
			}
			var out struct {
				CSRF string `json:"csrf_token"`
				Role string `json:"role"`
			}
			decode(t, body, &out)
			require.Len(t, out.CSRF, 43)
			require.Contains(t, []string{"admin", "viewer"}, out.Role)
			ck := sessionCookie(t, resp)
			require.True(t, ck.HttpOnly)
			require.Equal(t, http.SameSiteLaxMode, ck.SameSite)
			require.False(t, ck.Secure, "no https base_url")
			require.Equal(t, "/", ck.Path)
		})
	}
}

// TestSecureCookie: an https base_url makes the cookie Secure, and only
// its origin may sign in.
func TestSecureCookie(t *testing.T) {
	e := newEnv(t, "https://cluebot.example.com")
	resp, body := e.anon().req("POST", "/api/session", map[string]string{"username": "admin", "password": adminPass},
		"Origin", "https://cluebot.example.com")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.True(t, sessionCookie(t, resp).Secure)
	require.Contains(t, resp.Header.Get("Set-Cookie"), "HttpOnly")
	require.Contains(t, resp.Header.Get("Set-Cookie"), "SameSite=Lax")

	code, body := e.anon().json("POST", "/api/session", map[string]string{"username": "admin", "password": adminPass},
		"Origin", e.srv.URL)
	require.Equal(t, http.StatusForbidden, code, "the server's address is not base_url: %s", body)
}

// TestSignInLimit: the sixth try of a name within a minute is 429, even
// with the right password, unknown names count the same, other names are
// not affected, and a minute later it works again.
func TestSignInLimit(t *testing.T) { onEachStore(t, testSignInLimit) }

func testSignInLimit(t *testing.T, backend string) {
	e := newEnvOn(t, backend, "")
	for _, name := range []string{"admin", "ghost"} {
		for i := 0; i < MaxFailures; i++ {
			code, body := e.anon().json("POST", "/api/session", map[string]string{"username": name, "password": "wrong"})
			require.Equal(t, http.StatusUnauthorized, code, "try %d of %s: %s", i+1, name, body)
		}
		code, body := e.anon().json("POST", "/api/session", map[string]string{"username": name, "password": adminPass})
		require.Equal(t, http.StatusTooManyRequests, code, body)
		require.Contains(t, errorOf(t, body), "too many")
	}
	e.signIn("王经理", viewerPass) // another name is not limited

	resp, _ := e.anon().form("/login", url.Values{"username": {"admin"}, "password": {adminPass}})
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "the login form shares the limit")

	e.clock.Advance(FailureWindow + time.Second)
	e.signIn("admin", adminPass)
}

// TestUnknownNameAsSlow: an unknown name is checked against a bcrypt hash
// of the users' cost, so it takes as long as a wrong password.
func TestUnknownNameAsSlow(t *testing.T) {
	e := newEnv(t, "")
	cost, err := bcrypt.Cost(e.c.dummy)
	require.NoError(t, err)
	require.Equal(t, bcrypt.MinCost, cost)

	h, err := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.DefaultCost)
	require.NoError(t, err)
	require.NoError(t, e.c.SetUsers(context.Background(), []User{{Name: "slow", Role: store.RoleAdmin, PasswordHash: string(h)}}))
	cost, err = bcrypt.Cost(e.c.dummy)
	require.NoError(t, err)
	require.Equal(t, bcrypt.DefaultCost, cost)

	timed := func(name string) time.Duration {
		start := time.Now()
		code, _ := e.anon().json("POST", "/api/session", map[string]string{"username": name, "password": "x"})
		require.Equal(t, http.StatusUnauthorized, code)
		return time.Since(start)
	}
	// Load on the machine only ever adds time, so the fastest of a few
	// interleaved tries of each is the cost of the check itself: a default
	// cost compare is tens of milliseconds, skipping it or a MinCost dummy
	// well under one. Fewer tries than MaxFailures, so none is limited.
	known, unknown := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
	for range MaxFailures - 1 {
		known = min(known, timed("slow"))
		unknown = min(unknown, timed("nobody-at-all"))
	}
	require.Greater(t, unknown, known/3, "fastest unknown %s, fastest known %s", unknown, known)
}

// TestNewSessionAtSignIn: signing in never keeps the id the browser came
// with (session fixation): a planted id stays unknown, and signing in
// again ends the previous session.
func TestNewSessionAtSignIn(t *testing.T) { onEachStore(t, testNewSessionAtSignIn) }

func testNewSessionAtSignIn(t *testing.T, backend string) {
	e := newEnvOn(t, backend, "")
	cl := e.anon()
	u, _ := url.Parse(e.srv.URL)
	cl.http.Jar.SetCookies(u, []*http.Cookie{{Name: CookieName, Value: "planted-by-attacker"}})
	resp, body := cl.req("POST", "/api/session", map[string]string{"username": "admin", "password": adminPass})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	first := sessionCookie(t, resp).Value
	require.NotEqual(t, "planted-by-attacker", first)
	require.GreaterOrEqual(t, len(first), 43)

	_, err := e.st.Session(context.Background(), hashID(first), e.clock.Now())
	require.NoError(t, err, "the store keeps the hash")
	_, err = e.st.Session(context.Background(), first, e.clock.Now())
	require.ErrorIs(t, err, store.ErrNotFound, "never the id itself")

	resp, body = cl.req("POST", "/api/session", map[string]string{"username": "admin", "password": adminPass})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.NotEqual(t, first, sessionCookie(t, resp).Value)
	_, err = e.st.Session(context.Background(), hashID(first), e.clock.Now())
	require.ErrorIs(t, err, store.ErrNotFound, "the old session ended")
}

// TestSessionEnds: sign-out ends the session (DELETE needs the CSRF token),
// and a session expires after session_ttl.
func TestSessionEnds(t *testing.T) {
	e := newEnv(t, "")
	cl := e.signIn("admin", adminPass)
	code, body := cl.json("GET", "/api/leads", nil)
	require.Equal(t, http.StatusOK, code, body)

	csrf := cl.csrf
	cl.csrf = ""
	code, _ = cl.json("DELETE", "/api/session", nil)
	require.Equal(t, http.StatusForbidden, code, "sign-out without the token")
	cl.csrf = csrf
	resp, _ := cl.req("DELETE", "/api/session", nil)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.Equal(t, -1, sessionCookie(t, resp).MaxAge)
	code, _ = cl.json("GET", "/api/leads", nil)
	require.Equal(t, http.StatusUnauthorized, code)

	cl = e.signIn("admin", adminPass)
	e.clock.Advance(time.Hour + time.Second)
	code, _ = cl.json("GET", "/api/leads", nil)
	require.Equal(t, http.StatusUnauthorized, code, "expired")
}

// TestSetUsers: a user removed from the config loses its session at once;
// a changed role applies to the session it has.
func TestSetUsers(t *testing.T) { onEachStore(t, testSetUsers) }

func testSetUsers(t *testing.T, backend string) {
	e := newEnvOn(t, backend, "")
	e.seed()
	admin, viewer := e.signIn("admin", adminPass), e.signIn("王经理", viewerPass)
	dead := e.deadIDs()[idPlain]

	demoted := e.users[0]
	demoted.Role = store.RoleViewer
	require.NoError(t, e.c.SetUsers(context.Background(), []User{demoted}))
	code, _ := viewer.json("GET", "/api/leads", nil)
	require.Equal(t, http.StatusUnauthorized, code, "removed user")
	code, body := admin.json("POST", "/api/deliveries/"+itoa(dead)+"/retry", nil)
	require.Equal(t, http.StatusForbidden, code, "demoted to viewer: %s", body)
	code, _ = e.anon().json("POST", "/api/session", map[string]string{"username": "王经理", "password": viewerPass})
	require.Equal(t, http.StatusUnauthorized, code)
}
