package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestOrderOfChecks: no session, then the CSRF token, then the role, for
// the API and the pages alike.
func TestOrderOfChecks(t *testing.T) {
	e := newEnv(t, "")
	e.seed()
	dead := itoa(e.deadIDs()[idPlain])
	admin, viewer := e.signIn("admin", adminPass), e.signIn("王经理", viewerPass)
	noToken := func(cl *client) *client { c := *cl; c.csrf = ""; return &c }
	wrongToken := func(cl *client) *client { c := *cl; c.csrf = cl.csrf[:42] + "x"; return &c }

	api := []struct {
		name string
		cl   *client
		want int
		msg  string
	}{
		{"no session, no token", e.anon(), http.StatusUnauthorized, "not signed in"},
		{"no session, a token", &client{e: e, http: e.anon().http, csrf: admin.csrf}, http.StatusUnauthorized, "not signed in"},
		{"viewer without a token", noToken(viewer), http.StatusForbidden, "CSRF"},
		{"viewer with a wrong token", wrongToken(viewer), http.StatusForbidden, "CSRF"},
		{"viewer with its token", viewer, http.StatusForbidden, "admin"},
		{"admin without a token", noToken(admin), http.StatusForbidden, "CSRF"},
		{"admin with the viewer's token", &client{e: e, http: admin.http, csrf: viewer.csrf}, http.StatusForbidden, "CSRF"},
		{"admin with its token", admin, http.StatusAccepted, ""},
	}
	for _, tc := range api {
		t.Run("api "+tc.name, func(t *testing.T) {
			code, body := tc.cl.json("POST", "/api/deliveries/"+dead+"/retry", nil)
			require.Equal(t, tc.want, code, body)
			if tc.msg != "" {
				require.Contains(t, errorOf(t, body), tc.msg)
			}
		})
	}

	pages := []struct {
		name  string
		cl    *client
		token string
		want  int
		msg   string
	}{
		{"no session", e.anon(), "", http.StatusSeeOther, ""},
		{"viewer without a token", viewer, "", http.StatusForbidden, "CSRF"},
		{"viewer with a wrong token", viewer, "nope", http.StatusForbidden, "CSRF"},
		{"viewer with its token", viewer, viewer.csrf, http.StatusForbidden, "admin"},
		{"admin with an empty token", admin, "", http.StatusForbidden, "CSRF"},
		{"admin with its token", admin, admin.csrf, http.StatusConflict, ""}, // the API retried it above
	}
	for _, tc := range pages {
		t.Run("page "+tc.name, func(t *testing.T) {
			resp, body := tc.cl.form("/deliveries/"+dead+"/retry", url.Values{"csrf_token": {tc.token}})
			require.Equal(t, tc.want, resp.StatusCode, body)
			if tc.want == http.StatusSeeOther {
				require.Equal(t, "/login?next=%2F", resp.Header.Get("Location"), "a form's target is no page to come back to")
				return
			}
			require.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
			if tc.msg != "" {
				require.Contains(t, body, tc.msg)
			}
		})
	}
}

// TestEveryEndpointNeedsASession: the API answers 401 JSON, the pages
// redirect to the login page with the way back.
func TestEveryEndpointNeedsASession(t *testing.T) {
	e := newEnv(t, "")
	cl := e.anon()
	for _, r := range []struct{ method, path string }{
		{"GET", "/api/leads"}, {"GET", "/api/leads/1"}, {"POST", "/api/leads/1/mark"}, {"GET", "/api/deliveries"},
		{"POST", "/api/deliveries/1/retry"}, {"POST", "/api/receivers/x/retry-dead"}, {"POST", "/api/forget"},
		{"DELETE", "/api/session"}, {"GET", "/api/nothing"}, {"GET", "/api/accounts"},
	} {
		code, body := cl.json(r.method, r.path, nil)
		require.Equal(t, http.StatusUnauthorized, code, "%s %s", r.method, r.path)
		require.Equal(t, "not signed in", errorOf(t, body))
	}
	for _, p := range []string{"/", "/leads?q=%E5%BC%A0", "/leads/1", "/deliveries", "/audit", "/forget", "/nothing"} {
		resp, _ := cl.get(p)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, p)
		require.Equal(t, "/login?next="+url.QueryEscape(p), resp.Header.Get("Location"), p)
	}
}

// TestLocalPathOnly: next, and a form's way back, only ever lead to a path
// on this site.
func TestLocalPathOnly(t *testing.T) {
	for in, want := range map[string]string{
		"/leads?q=1":                    "/leads?q=1",
		"/leads/19745":                  "/leads/19745",
		"":                              "/",
		"//evil.example/x":              "/",
		"/\\evil.example":               "/",
		"\\\\evil.example":              "/",
		"/\t/evil.example":              "/",
		"https://evil.example/":         "/",
		"javascript:alert(1)":           "/",
		"evil.example":                  "/",
		"/%2F%2Fevil.example":           "/%2F%2Fevil.example", // a path: the browser stays here
		"/ok\r\nLocation: //x":          "/",
		"/" + strings.Repeat("a", 3000): "/",
	} {
		require.Equal(t, want, localPath(in), "%q", in)
	}

	e := newEnv(t, "")
	for next, want := range map[string]string{"//evil.example": "/", "https://evil.example/x": "/",
		"/\\evil.example": "/", "/leads?q=张": "/leads?q=%e5%bc%a0"} {
		resp, body := e.anon().form("/login", url.Values{"username": {"admin"}, "password": {adminPass}, "next": {next}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		require.Equal(t, want, resp.Header.Get("Location"), next)
	}
	resp, body := e.anon().get("/login?next=" + url.QueryEscape("//evil.example"))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NotContains(t, body, "evil.example")
	require.Contains(t, body, `name="next" value="/"`)
}

// TestSecurityHeaders: every response, whatever it is, carries them.
func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, "")
	admin := e.signIn("admin", adminPass)
	check := func(resp *http.Response) {
		t.Helper()
		h := resp.Header
		require.Equal(t, "default-src 'self'; frame-ancestors 'none'", h.Get("Content-Security-Policy"), resp.Request.URL)
		require.Equal(t, "nosniff", h.Get("X-Content-Type-Options"))
		require.Equal(t, "DENY", h.Get("X-Frame-Options"))
		require.Equal(t, "same-origin", h.Get("Referrer-Policy"))
	}
	for _, p := range []string{"/login", "/static/console.css", "/", "/api/leads", "/nothing", "/static/nothing"} {
		resp, _ := e.anon().get(p)
		check(resp)
		resp, _ = admin.get(p)
		check(resp)
	}
	resp, _ := e.anon().req("POST", "/api/session", map[string]string{"username": "x", "password": "y"})
	check(resp)
	resp, _ = admin.req("POST", "/api/deliveries/999/retry", nil)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	check(resp)
	resp, body := e.anon().get("/static/console.css")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, resp.Header.Get("Content-Type"), "text/css")
	require.Contains(t, body, "body")
}
