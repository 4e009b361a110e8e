package console

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/cluebot/cluebot/store"
)

// Sign-in limits: MaxFailures failed sign-ins for one name within
// FailureWindow, counted in the store across instances, refuse the next.
const (
	MaxFailures   = 5
	FailureWindow = time.Minute
)

// Sign-in outcomes that callers branch on.
var (
	errBadLogin = errors.New("wrong name or password")
	errLimited  = errors.New("too many failed sign-ins for this name; wait a minute")
)

// setUsers swaps the users and, when their bcrypt cost changes, the dummy
// hash that unknown names are checked against, so both take as long.
func (c *Console) setUsers(users []User) error {
	m := make(map[string]User, len(users))
	cost := bcrypt.DefaultCost
	for i, u := range users {
		m[u.Name] = u
		if uc, err := bcrypt.Cost([]byte(u.PasswordHash)); err == nil && i == 0 {
			cost = uc
		}
	}
	c.mu.RLock()
	dummy := c.dummy
	c.mu.RUnlock()
	if dc, err := bcrypt.Cost(dummy); err != nil || dc != cost {
		var herr error
		if dummy, herr = bcrypt.GenerateFromPassword([]byte("no such user"), cost); herr != nil {
			return fmt.Errorf("console: dummy hash: %w", herr)
		}
	}
	c.mu.Lock()
	c.users, c.dummy = m, dummy
	c.mu.Unlock()
	return nil
}

// login checks a name and password and opens a new session: a new random
// id whatever the request carried (no session fixation), of which the store
// keeps only the hash. An unknown name is checked against a dummy hash, so
// it takes as long and counts as a failure the same.
func (c *Console) login(ctx context.Context, name, password string) (id string, s store.Session, err error) {
	now := c.clock.Now()
	n, err := c.st.LoginFailures(ctx, name, now.Add(-FailureWindow))
	if err != nil {
		return "", s, fmt.Errorf("count sign-in failures: %w", err)
	}
	if n >= MaxFailures {
		return "", s, errLimited
	}
	c.mu.RLock()
	u, known := c.users[name]
	hash := c.dummy
	c.mu.RUnlock()
	if known {
		hash = []byte(u.PasswordHash)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || !known {
		if err := c.st.AddLoginFailure(ctx, name, now); err != nil {
			return "", s, fmt.Errorf("count sign-in failure: %w", err)
		}
		c.log.Info("console sign-in refused", "user", name, "known", known)
		return "", s, errBadLogin
	}
	if id, err = newToken(); err != nil {
		return "", s, err
	}
	csrf, err := newToken()
	if err != nil {
		return "", s, err
	}
	s = store.Session{IDHash: hashID(id), User: u.Name, Role: u.Role, CSRF: csrf, CreatedAt: now, ExpiresAt: now.Add(c.ttl)}
	if err := c.st.CreateSession(ctx, s); err != nil {
		return "", s, fmt.Errorf("create session: %w", err)
	}
	c.log.Info("console sign-in", "user", u.Name, "role", u.Role)
	return id, s, nil
}

// endOld ends the session the request came with, if any: signing in again
// never keeps an old id alive.
func (c *Console) endOld(r *http.Request) {
	if ck, err := r.Cookie(CookieName); err == nil && ck.Value != "" {
		if err := c.st.DeleteSession(r.Context(), hashID(ck.Value)); err != nil {
			c.log.Warn("console: end previous session", "err", err)
		}
	}
}

// originOK refuses a request a browser sent from another site: its Origin,
// when it has one, must be base_url's (or, without base_url, the request's
// own host).
func (c *Console) originOK(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	if c.origin != "" {
		return strings.EqualFold(o, c.origin)
	}
	_, host, ok := strings.Cut(o, "://")
	return ok && strings.EqualFold(host, r.Host)
}

// apiLogin is POST /api/session.
func (c *Console) apiLogin(w http.ResponseWriter, r *http.Request) {
	if !c.originOK(r) {
		writeError(w, http.StatusForbidden, "sign-in from another site refused")
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "send JSON: Content-Type: application/json")
		return
	}
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	s, status, err := c.signIn(w, r, in.Username, in.Password)
	switch {
	case status != 0:
		writeError(w, status, err.Error())
	case err != nil:
		c.fail(w, r, err)
	default:
		writeJSON(w, http.StatusOK, map[string]string{"csrf_token": s.CSRF, "role": s.Role})
	}
}

// signIn checks name and password and, when they are right, ends the
// session the request came with and sends the new one's cookie. A refusal
// comes with its status: 401 for a wrong name or password, 429 (with
// Retry-After) when the name is locked out; other errors have status 0.
func (c *Console) signIn(w http.ResponseWriter, r *http.Request, name, password string) (store.Session, int, error) {
	id, s, err := c.login(r.Context(), name, password)
	switch {
	case errors.Is(err, errLimited):
		w.Header().Set("Retry-After", strconv.Itoa(int(FailureWindow.Seconds())))
		return s, http.StatusTooManyRequests, err
	case errors.Is(err, errBadLogin):
		return s, http.StatusUnauthorized, err
	case err != nil:
		return s, 0, err
	}
	c.endOld(r)
	c.setCookie(w, id)
	return s, 0, nil
}

// logout ends s and deletes its cookie.
func (c *Console) logout(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	if err := c.st.DeleteSession(r.Context(), s.IDHash); err != nil {
		return err
	}
	c.setCookie(w, "")
	return nil
}

// apiLogout is DELETE /api/session.
func (c *Console) apiLogout(w http.ResponseWriter, r *http.Request, s *store.Session) {
	if err := c.logout(w, r, s); err != nil {
		c.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
