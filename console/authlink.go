package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/cluebot/cluebot/onboard"
	"github.com/cluebot/cluebot/store"
)

// AuthorizeFunc makes the vendor's authorize URL for a state, as
// fetch.Config.AuthorizeURL does; agent asks for an agency's authorization.
type AuthorizeFunc func(state string, agent bool) (string, error)

// errNoAuthorize: the config cannot make an authorize URL (no app id, no
// redirect URL); the command line still can once it is set.
var errNoAuthorize = errors.New("the authorize URL needs kuaishou.app_id and kuaishou.oauth.redirect_url (or console.base_url)")

// authLink makes a new single-use authorize URL for by: a state in the
// store (valid store.OAuthStateTTL) and the URL carrying it, audited.
func (c *Console) authLink(ctx context.Context, by string, agent bool) (string, time.Time, error) {
	if c.authorize == nil {
		return "", time.Time{}, errNoAuthorize
	}
	now := c.clock.Now()
	link, expires, err := onboard.NewAuthLink(ctx, c.st, func(state string, agent bool) (string, error) {
		u, err := c.authorize(state, agent)
		if err != nil {
			return "", fmt.Errorf("%w: %w", errNoAuthorize, err)
		}
		return u, nil
	}, agent, now)
	if err != nil {
		return "", time.Time{}, err
	}
	kind := store.AuthAdvertiser
	if agent {
		kind = store.AuthAgent
	}
	e := store.AuditEntry{At: now, User: by, Action: "auth-url", Target: kind, Detail: "authorize URL made"}
	if err := c.st.AddAudit(ctx, e); err != nil {
		return "", time.Time{}, fmt.Errorf("authorize url: audit: %w", err)
	}
	return link, expires, nil
}

// apiAuthURL is POST /api/auth/url {"agent": bool}: admin; 200 {"url",
// "expires_at"}, or 409 when the config cannot make one.
func (c *Console) apiAuthURL(w http.ResponseWriter, r *http.Request, s *store.Session) {
	var in struct {
		Agent bool `json:"agent"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	link, exp, err := c.authLink(r.Context(), s.User, in.Agent)
	switch {
	case errors.Is(err, errNoAuthorize):
		writeError(w, http.StatusConflict, err.Error())
	case err != nil:
		c.fail(w, r, err)
	default:
		writeJSON(w, http.StatusOK, map[string]string{"url": link, "expires_at": exp.In(c.zone).Format(time.RFC3339)})
	}
}

// authURLSubmit is POST /accounts/authorize: the accounts page with a new
// link to send to whoever authorizes.
func (c *Console) authURLSubmit(w http.ResponseWriter, r *http.Request, s *store.Session) {
	agent := r.PostFormValue("agent") == "1"
	link, exp, err := c.authLink(r.Context(), s.User, agent)
	d := accountsData{Agent: agent}
	switch {
	case errors.Is(err, errNoAuthorize):
		d.Error = err.Error()
		c.renderAccounts(w, r, s, http.StatusConflict, d)
	case err != nil:
		c.fail(w, r, err)
	default:
		d.Link, d.Expires = link, exp.In(c.zone).Format(time.DateTime)
		c.renderAccounts(w, r, s, http.StatusOK, d)
	}
}
