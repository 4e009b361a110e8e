package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cluebot/cluebot/secret"
)

// Authorization types: an agency's authorization (oauth_type=agent) serves
// every advertiser it covers; an advertiser's serves that one account.
const (
	AuthAgent      = "agent"
	AuthAdvertiser = "advertiser"
)

// Authorization statuses.
const (
	AuthOK          = "ok"
	AuthNeedsReauth = "needs-reauth" // the refresh failed for good: someone must authorize again
)

// Statuses of an advertiser under an authorization.
const (
	AdvertiserActive = "active"
	AdvertiserLeft   = "left" // no longer listed: not pulled, its leads stay
)

// Errors of the authorization store, typed so callers can branch.
var (
	// ErrLeased: another owner holds the authorization's refresh lease.
	ErrLeased = errors.New("another instance is refreshing this authorization")
	// ErrLeaseLost: the caller no longer holds the refresh lease it saves under.
	ErrLeaseLost = errors.New("the refresh lease was lost")
	// ErrStateInvalid: an OAuth state is unknown, already used or expired.
	ErrStateInvalid = errors.New("oauth state is unknown, already used or expired")
)

// AuthTokens is an authorization's token pair and its expiries.
type AuthTokens struct {
	AccessToken      secret.String
	RefreshToken     secret.String
	AccessExpiresAt  time.Time // zero: unknown
	RefreshExpiresAt time.Time
}

// Authorization is one OAuth grant kept in the store. Its tokens are
// sealed at rest with the store's key ring.
type Authorization struct {
	ID           int64  // set by the store
	Type         string // AuthAgent or AuthAdvertiser
	AdvertiserID int64  // for an agency, its own account, which has no clues
	UserID       int64
	AuthTokens
	Status    string // AuthOK or AuthNeedsReauth
	LastError string // the last refresh or discovery failure; never a token
	CreatedAt time.Time
	UpdatedAt time.Time
	// Advertisers counts the active advertisers it covers (read only).
	Advertisers int
}

// Validate checks what PutAuthorization needs.
func (a *Authorization) Validate() error {
	switch {
	case a.Type != AuthAgent && a.Type != AuthAdvertiser:
		return fmt.Errorf("authorization type %q is not agent or advertiser", a.Type)
	case a.AdvertiserID <= 0:
		return errors.New("authorization has no advertiser_id")
	case a.AccessToken.IsZero() || a.RefreshToken.IsZero():
		return fmt.Errorf("authorization of advertiser %d has no token pair", a.AdvertiserID)
	}
	return nil
}

// Covered is an advertiser an authorization covers, or covered.
type Covered struct {
	AuthorizationID int64
	AdvertiserID    int64
	Status          string // AdvertiserActive or AdvertiserLeft
	FirstSeen       time.Time
	LeftAt          time.Time // zero while active
	// AuthStatus and AuthError are the authorization's status and last
	// error (read only).
	AuthStatus string
	AuthError  string
}

// OAuthState is a single-use state of the authorize URL. Agent asks for an
// agency authorization.
type OAuthState struct {
	State     string
	Agent     bool
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero until consumed
}

// OAuthStateTTL is how long an authorize URL stays valid: whoever approves
// may be a client who clicks later.
const OAuthStateTTL = 7 * 24 * time.Hour

// RefreshClaim asks for an authorization's refresh lease.
type RefreshClaim struct {
	AuthorizationID int64
	Owner           string
	Now             time.Time
	Lease           time.Duration
}

// Authorizations keeps OAuth grants, the advertisers each covers and the
// single-use states of authorize URLs, shared by every instance.
type Authorizations interface {
	// PutAuthorization stores a, sealing its tokens, and returns its id. An
	// authorization of the same type and advertiser_id is replaced: new
	// tokens, status ok, no error, and no refresh lease: a refresh in flight
	// with the old refresh token then fails and saves with ErrLeaseLost; its
	// id, created_at and advertisers stay.
	PutAuthorization(ctx context.Context, a Authorization) (int64, error)
	// Authorization returns one authorization, tokens opened, or ErrNotFound.
	Authorization(ctx context.Context, id int64) (Authorization, error)
	// Authorizations returns every authorization by id, tokens opened.
	Authorizations(ctx context.Context) ([]Authorization, error)
	// SetAdvertisers records the advertisers an authorization now lists, at
	// now: new and returning ones become active (added), active ones not
	// listed become left (left). An agency's own advertiser_id is never
	// one of its advertisers. Both lists come sorted.
	SetAdvertisers(ctx context.Context, authID int64, ids []int64, now time.Time) (added, left []int64, err error)
	// AuthAdvertisers returns the advertisers of authorization authID, or of
	// every authorization when authID is 0, left ones included, by
	// authorization then advertiser id.
	AuthAdvertisers(ctx context.Context, authID int64) ([]Covered, error)
	// ClaimRefresh leases an authorization's refresh to c.Owner until
	// c.Now+c.Lease, as ClaimAccounts leases a pull, and returns it with
	// its current tokens: another instance may have refreshed them already.
	// It fails with ErrLeased while another owner's lease runs.
	ClaimRefresh(ctx context.Context, c RefreshClaim) (Authorization, error)
	// ReplaceTokens saves a refreshed pair under owner's lease, durably, and
	// ends the lease; status becomes ok and the error clears. It fails with
	// ErrLeaseLost when owner does not hold the lease.
	ReplaceTokens(ctx context.Context, authID int64, owner string, t AuthTokens, now time.Time) error
	// FailRefresh ends owner's lease and records msg as the last error; with
	// reauth the status becomes needs-reauth, and first reports whether this
	// call changed it (so the operator is told once, by one instance).
	FailRefresh(ctx context.Context, authID int64, owner, msg string, reauth bool, now time.Time) (first bool, err error)

	// CreateOAuthState stores a new state; expired states are pruned.
	CreateOAuthState(ctx context.Context, s OAuthState) error
	// ConsumeOAuthState marks a state used at now and returns it, atomically
	// across instances: an unknown, used or expired state fails with
	// ErrStateInvalid and changes nothing.
	ConsumeOAuthState(ctx context.Context, state string, now time.Time) (OAuthState, error)
	// ReleaseOAuthState makes a state consumed at usedAt usable again, with
	// its original expiry: the code exchange that followed failed. A state
	// used at another time (by another callback) is left as it is.
	ReleaseOAuthState(ctx context.Context, state string, usedAt time.Time) error
}

// DiffAdvertisers works out SetAdvertisers' change: current maps each
// advertiser the authorization has a row for to its status; listed is what
// it lists now; self (an agency's own id, or 0) is never an advertiser. It
// returns sorted, without duplicates, the ids to make active and to mark
// left.
func DiffAdvertisers(current map[int64]string, listed []int64, self int64) (added, left []int64) {
	now := make(map[int64]bool, len(listed))
	for _, id := range listed {
		if id <= 0 || id == self || now[id] {
			continue
		}
		now[id] = true
		if current[id] != AdvertiserActive {
			added = append(added, id)
		}
	}
	for id, st := range current {
		if st == AdvertiserActive && !now[id] {
			left = append(left, id)
		}
	}
	slices.Sort(added)
	slices.Sort(left)
	return added, left
}

// SealTokens returns t's tokens sealed with r, for a backend to store.
func SealTokens(r *secret.Ring, t AuthTokens) (access, refresh string, err error) {
	if access, err = r.Seal(t.AccessToken.Reveal()); err != nil {
		return "", "", err
	}
	if refresh, err = r.Seal(t.RefreshToken.Reveal()); err != nil {
		return "", "", err
	}
	return access, refresh, nil
}

// OpenTokens opens a stored token pair with r; what names the row in errors.
func OpenTokens(r *secret.Ring, what, access, refresh string) (secret.String, secret.String, error) {
	a, err := r.Open(access)
	if err != nil {
		return "", "", fmt.Errorf("%s: access token: %w", what, err)
	}
	f, err := r.Open(refresh)
	if err != nil {
		return "", "", fmt.Errorf("%s: refresh token: %w", what, err)
	}
	return a, f, nil
}

// NewOAuthState checks a state to create and fills in its times: a zero
// CreatedAt is now, a zero ExpiresAt is CreatedAt + OAuthStateTTL.
func NewOAuthState(s OAuthState, now time.Time) (OAuthState, error) {
	if len(s.State) < 16 {
		return s, errors.New("create oauth state: a state needs at least 16 characters")
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = now
	}
	if s.ExpiresAt.IsZero() {
		s.ExpiresAt = s.CreatedAt.Add(OAuthStateTTL)
	}
	s.UsedAt = time.Time{}
	return s, nil
}

// RefreshFailed works out FailRefresh's change from the row's status and
// lease owner: the new status, and whether it newly needs re-auth. It fails
// with ErrLeaseLost when owner does not hold the lease.
func RefreshFailed(status, leaseOwner, owner string, reauth bool) (newStatus string, first bool, err error) {
	if leaseOwner != owner {
		return status, false, ErrLeaseLost
	}
	if !reauth {
		return status, false, nil
	}
	return AuthNeedsReauth, status != AuthNeedsReauth, nil
}
