package console

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/cluebot/cluebot/store"
)

// CookieName is the session cookie.
const CookieName = "cluebot_session"

// maxBody bounds what a request may send: a form or a JSON object.
const maxBody = 1 << 20

// access is who may use a handler.
type access int

const (
	anyone access = iota // any signed-in user
	admins               // admins only
)

// handlerFunc is a handler that runs for a signed-in user.
type handlerFunc func(w http.ResponseWriter, r *http.Request, s *store.Session)

// guard runs h for a signed-in user allowed need, checking in the
// contract's order: no session (401 for the API, a redirect to the login
// page for pages), then the CSRF token of a change, any method but GET and
// HEAD (403), then the role (403).
func (c *Console) guard(need access, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api := isAPI(r)
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		s, err := c.session(r)
		if err != nil {
			if !errors.Is(err, store.ErrNotFound) {
				c.fail(w, r, err)
				return
			}
			if api {
				writeError(w, http.StatusUnauthorized, "not signed in")
				return
			}
			next := "/" // a form's target is no page to come back to
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				next = localPath(r.URL.RequestURI())
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !csrfOK(r, s.CSRF, api) {
			c.refuse(w, r, pick(api, "missing or wrong CSRF token; reload the page", "CSRF 令牌缺失或错误，请刷新页面后重试"))
			return
		}
		if need == admins && s.Role != store.RoleAdmin {
			c.refuse(w, r, pick(api, "an admin must do this", "只有管理员（admin）可以这样做"))
			return
		}
		h(w, r, &s)
	})
}

// pick is the API's English message or the pages' Chinese one.
func pick(api bool, en, zh string) string {
	if api {
		return en
	}
	return zh
}

// session returns the request's valid session, with the role the user has
// now, or ErrNotFound: no cookie, an unknown or expired session, or a user
// no longer configured.
func (c *Console) session(r *http.Request) (store.Session, error) {
	ck, err := r.Cookie(CookieName)
	if err != nil || ck.Value == "" {
		return store.Session{}, store.ErrNotFound
	}
	s, err := c.st.Session(r.Context(), hashID(ck.Value), c.clock.Now())
	if err != nil {
		return store.Session{}, err
	}
	u, ok := c.user(s.User)
	if !ok {
		return store.Session{}, store.ErrNotFound
	}
	s.Role = u.Role
	return s, nil
}

// csrfOK compares the request's CSRF token with the session's in constant
// time: the X-CSRF-Token header for the API, the csrf_token form field for
// pages.
func csrfOK(r *http.Request, want string, api bool) bool {
	var got string
	if api {
		got = r.Header.Get("X-CSRF-Token")
	} else {
		got = r.PostFormValue("csrf_token")
	}
	if got == "" || want == "" {
		return false
	}
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

// newToken returns 32 random bytes, URL-safe base64.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashID is what the store keeps of a session id: its hex SHA-256.
func hashID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// setCookie sends the session cookie; an empty id deletes it.
func (c *Console) setCookie(w http.ResponseWriter, id string) {
	ck := &http.Cookie{Name: CookieName, Value: id, Path: "/", HttpOnly: true, Secure: c.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(c.ttl.Seconds())}
	if id == "" {
		ck.MaxAge = -1
	}
	http.SetCookie(w, ck)
}

// isAPI reports whether r is for the JSON API.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// localPath returns p when it is a path on this site, else "/": never
// another host, whatever the browser would make of it ("//host",
// "/\\host", "https://host", control characters).
func localPath(p string) string {
	if p == "" || p[0] != '/' || len(p) > 2048 {
		return "/"
	}
	if len(p) > 1 && (p[1] == '/' || p[1] == '\\') {
		return "/"
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	return p
}
