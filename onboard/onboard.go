// Package onboard brings accounts in through authorizations: it makes the
// authorize URL with a single-use state, exchanges the code the browser
// comes back with, stores the authorization and reads the advertisers it
// covers, then reads every authorization's list again on a schedule.
package onboard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
)

// Vendor is what onboarding asks of the vendor's API (a *fetch.Client).
type Vendor interface {
	// ExchangeCode trades an authorization code for a token pair.
	ExchangeCode(ctx context.Context, code string) (*fetch.TokenGrant, error)
	// ApprovalList returns every advertiser an access token covers.
	ApprovalList(ctx context.Context, accessToken secret.String) ([]int64, error)
}

// Onboarder authorizes and discovers; the zero Now is time.Now.
type Onboarder struct {
	Store  store.Authorizations
	Vendor Vendor
	// OAuth is the kuaishou section, for the authorize URL.
	OAuth *fetch.Config
	Log   *slog.Logger
	Now   func() time.Time
	// Token, when set, gives an authorization's current access token,
	// refreshed when due under the store's lease (fetch.Tokens.AuthToken):
	// discovery then reads with the token the pulls use. Nil reads with
	// the stored token.
	Token func(ctx context.Context, authorizationID int64) (string, error)
	// Refresh, when set with Token, gives the authorization's access token
	// after stale was refused (fetch.Tokens.AuthRefresh): a newer stored
	// pair, else one refresh. Discovery then lists once more.
	Refresh func(ctx context.Context, authorizationID int64, stale string) (string, error)
	// Stored, when set, is told that a new pair was stored for an
	// authorization (fetch.Tokens.ReloadAuth): the vendor retires the old
	// access token, so whoever keeps it must read the new one.
	Stored func(authorizationID int64)
}

// Result is what one authorization covers after Authorize or Discover.
type Result struct {
	AuthorizationID int64
	Type            string // store.AuthAgent or store.AuthAdvertiser
	AdvertiserID    int64  // the authorizing account
	Advertisers     int    // advertisers it lists now (the agency's own id not counted)
	Added, Left     []int64
}

func (o *Onboarder) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o *Onboarder) log() *slog.Logger {
	if o.Log != nil {
		return o.Log
	}
	return slog.New(slog.DiscardHandler)
}

// AuthURL returns the authorize page's URL with a fresh single-use state
// kept in the store (valid store.OAuthStateTTL); agent asks for an agency
// authorization.
func (o *Onboarder) AuthURL(ctx context.Context, agent bool) (string, error) {
	u, _, err := NewAuthLink(ctx, o.Store, o.OAuth.AuthorizeURL, agent, o.now())
	return u, err
}

// Callback checks a state the browser brings back and, when it is valid,
// authorizes with code. An unknown, used or expired state fails with
// store.ErrStateInvalid and nothing is stored. The state is used up only
// when the code was exchanged and stored: after a failed exchange it is
// released, so the same link can be approved again.
func (o *Onboarder) Callback(ctx context.Context, state, code string) (Result, error) {
	if code == "" {
		return Result{}, errors.New("callback: no auth_code")
	}
	usedAt := o.now()
	s, err := o.Store.ConsumeOAuthState(ctx, state, usedAt)
	if err != nil {
		return Result{}, err
	}
	r, err := o.Authorize(ctx, code, s.Agent)
	if err != nil && r.AuthorizationID == 0 {
		bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if rerr := o.Store.ReleaseOAuthState(bg, state, usedAt); rerr != nil {
			o.log().Warn("the authorize link could not be made usable again", "err", rerr)
		}
	}
	return r, err
}

// Authorize exchanges code, stores the authorization and reads its
// advertiser list. It is an agency's when agent is set, when the vendor's
// approval_type says so, or when the grant lists advertisers other than its
// own; an agency's own advertiser_id is never an advertiser to pull.
func (o *Onboarder) Authorize(ctx context.Context, code string, agent bool) (Result, error) {
	g, err := o.Vendor.ExchangeCode(ctx, code)
	if err != nil {
		return Result{}, fmt.Errorf("authorize: %w", err)
	}
	if g.AdvertiserID <= 0 {
		return Result{}, errors.New("authorize: the vendor's answer names no advertiser_id")
	}
	a := store.Authorization{Type: store.AuthAdvertiser, AdvertiserID: g.AdvertiserID}
	if agent || agencyGrant(g) {
		a.Type = store.AuthAgent
	}
	a.UserID, _ = strconv.ParseInt(g.UserID, 10, 64)
	now := o.now()
	a.AccessToken, a.RefreshToken = g.AccessToken, g.RefreshToken
	if g.AccessExpiresIn > 0 {
		a.AccessExpiresAt = now.Add(g.AccessExpiresIn)
	}
	if g.RefreshExpiresIn > 0 {
		a.RefreshExpiresAt = now.Add(g.RefreshExpiresIn)
	}
	id, err := o.Store.PutAuthorization(ctx, a)
	if err != nil {
		return Result{}, fmt.Errorf("authorize advertiser %d: %w", g.AdvertiserID, err)
	}
	a.ID = id
	if o.Stored != nil {
		o.Stored(id)
	}
	// The pair just obtained lists the advertisers: any other the vendor
	// has retired.
	r, err := o.list(ctx, a, a.AccessToken)
	if err != nil {
		return r, fmt.Errorf("authorization %d stored, but %w", id, err)
	}
	return r, nil
}

// agencyGrant reports whether a token answer is an agency's: approval_type
// names the agency (the vendor publishes no values; 2 and "agent" are
// read as such) or the grant lists advertisers beyond its own.
func agencyGrant(g *fetch.TokenGrant) bool {
	switch strings.ToLower(strings.TrimSpace(g.ApprovalType)) {
	case "2", "agent", "agency":
		return true
	}
	return slices.ContainsFunc(g.AdvertiserIDs, func(id int64) bool { return id != g.AdvertiserID })
}

// discover reads a's advertiser list, with the token the pulls use when
// o.Token is set, and records it.
func (o *Onboarder) discover(ctx context.Context, a store.Authorization) (Result, error) {
	if o.Token == nil {
		return o.list(ctx, a, a.AccessToken)
	}
	t, err := o.Token(ctx, a.ID)
	if err != nil {
		return Result{AuthorizationID: a.ID, Type: a.Type, AdvertiserID: a.AdvertiserID},
			fmt.Errorf("discover authorization %d: %w", a.ID, err)
	}
	return o.list(ctx, a, secret.String(t))
}

// list reads a's advertiser list with token, and once more with a newer
// one when the vendor refuses it and o.Refresh is set, and records it.
func (o *Onboarder) list(ctx context.Context, a store.Authorization, token secret.String) (Result, error) {
	r := Result{AuthorizationID: a.ID, Type: a.Type, AdvertiserID: a.AdvertiserID}
	ids, err := o.Vendor.ApprovalList(ctx, token)
	if fetch.IsAuth(err) && o.Refresh != nil {
		t, rerr := o.Refresh(ctx, a.ID, token.Reveal())
		if rerr != nil {
			return r, fmt.Errorf("discover authorization %d: %w", a.ID, errors.Join(err, rerr))
		}
		ids, err = o.Vendor.ApprovalList(ctx, secret.String(t))
	}
	if err != nil {
		return r, fmt.Errorf("discover authorization %d: %w", a.ID, err)
	}
	if a.Type == store.AuthAdvertiser && !slices.Contains(ids, a.AdvertiserID) {
		ids = append(ids, a.AdvertiserID) // one advertiser's own account is pulled
	}
	if r.Added, r.Left, err = o.Store.SetAdvertisers(ctx, a.ID, ids, o.now()); err != nil {
		return r, fmt.Errorf("discover authorization %d: %w", a.ID, err)
	}
	for _, id := range ids {
		if id > 0 && (a.Type != store.AuthAgent || id != a.AdvertiserID) {
			r.Advertisers++
		}
	}
	return r, nil
}

// Discover reads every authorization's advertiser list again and records
// who joined and who left; an authorization that needs re-auth is skipped.
// One failing authorization does not stop the others: their errors come
// back joined.
func (o *Onboarder) Discover(ctx context.Context) ([]Result, error) {
	auths, err := o.Store.Authorizations(ctx)
	if err != nil {
		return nil, fmt.Errorf("discover: %w", err)
	}
	var out []Result
	var errs []error
	for _, a := range auths {
		if a.Status == store.AuthNeedsReauth || ctx.Err() != nil {
			continue
		}
		r, err := o.discover(ctx, a)
		if err != nil {
			o.log().Warn("discovery failed", "authorization", a.ID, "err", err)
			errs = append(errs, err)
			continue
		}
		out = append(out, r)
		if len(r.Added) > 0 || len(r.Left) > 0 {
			o.log().Info("advertisers discovered", "authorization", a.ID, "advertisers", r.Advertisers,
				"added", len(r.Added), "left", len(r.Left), "added_ids", r.Added, "left_ids", r.Left)
		}
	}
	return out, errors.Join(errs...)
}
