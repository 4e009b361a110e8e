package fetch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
)

// authRefreshLease is how long an instance holds an authorization's refresh
// lease: long enough for a refresh with its retries and the save.
const authRefreshLease = 2 * time.Minute

// authWait is how long a caller waits for another instance's refresh of the
// same authorization (tests shorten it), and authWaitStep how often it looks.
var authWait = 30 * time.Second

const authWaitStep = 200 * time.Millisecond

// AuthTokenStore keeps the authorizations' token pairs and their refresh
// leases; store.Authorizations satisfies it.
type AuthTokenStore interface {
	Authorization(ctx context.Context, id int64) (store.Authorization, error)
	Authorizations(ctx context.Context) ([]store.Authorization, error)
	ClaimRefresh(ctx context.Context, c store.RefreshClaim) (store.Authorization, error)
	ReplaceTokens(ctx context.Context, authID int64, owner string, t store.AuthTokens, now time.Time) error
	FailRefresh(ctx context.Context, authID int64, owner, msg string, reauth bool, now time.Time) (bool, error)
}

// ReauthFunc is told, once across instances, that an authorization's
// refresh failed for good and it needs re-auth; msg never holds a token.
type ReauthFunc func(ctx context.Context, a store.Authorization, msg string)

// UseAuthorizations lets t hand out the tokens of the store's
// authorizations: every advertiser of one pulls with its token pair, which
// is refreshed once for all of them, and by one instance at a time (owner
// names this one in the refresh lease). onReauth may be nil. Call it before
// t is used.
func (t *Tokens) UseAuthorizations(st AuthTokenStore, owner string, onReauth ReauthFunc) {
	t.auths, t.owner, t.onReauth = st, owner, onReauth
	t.authSt = map[int64]*authToken{}
}

// authToken is one authorization's token state; mu guards everything in it.
// Every advertiser of the authorization shares it, so its refresh is made
// once, under mu, and its failure is shared too: after a refresh that
// failed (not for good) no other is tried before failedAt+retryAfter.
type authToken struct {
	t        *Tokens
	mu       sync.Mutex
	id       int64
	auth     store.Authorization // loaded: ID != 0
	reauth   bool                // the refresh failed for good
	failedAt time.Time           // the last refresh failed at (zero: it did not)
	failErr  error               // that refresh's error
	log      *slog.Logger
}

// authSource returns the token source of authorization id, whose state
// every advertiser of it shares.
func (t *Tokens) authSource(id int64) *source {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.authSt[id]
	if s == nil {
		s = &authToken{t: t, id: id, log: t.log.With("authorization", id)}
		t.authSt[id] = s
	}
	return &source{t: t, s: s}
}

// AuthToken returns authorization id's current access token, refreshed
// first when due, under the store's lease like every pull's: what
// discovery reads the advertiser list with.
func (t *Tokens) AuthToken(ctx context.Context, id int64) (string, error) {
	return t.authSource(id).Token(ctx)
}

// AuthRefresh returns authorization id's access token after stale was
// refused: a newer pair in the store (the authorization was authorized
// again, or another instance refreshed it) without a call, else one
// refresh shared by all its advertisers.
func (t *Tokens) AuthRefresh(ctx context.Context, id int64, stale string) (string, error) {
	return t.authSource(id).Refresh(ctx, stale)
}

// ReloadAuth makes authorization id's next use read its pair from the
// store again: call it when a new pair was stored for it (a code
// exchanged again), as the vendor retires the old access token.
func (t *Tokens) ReloadAuth(id int64) {
	if t.auths == nil {
		return
	}
	t.mu.Lock()
	s := t.authSt[id]
	t.mu.Unlock()
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.auth, s.reauth, s.failedAt, s.failErr = store.Authorization{}, false, time.Time{}, nil
}

func (s *authToken) Lock()   { s.mu.Lock() }
func (s *authToken) Unlock() { s.mu.Unlock() }

// load reads the authorization on first use, after it needed re-auth (it
// may have been authorized again), and when reread: another instance may
// have refreshed it.
func (s *authToken) load(ctx context.Context, reread bool) error {
	if reread || s.auth.ID == 0 || s.reauth {
		return s.t.loadAuth(ctx, s)
	}
	return nil
}

func (s *authToken) pair() (secret.String, time.Time) {
	return s.auth.AccessToken, s.auth.AccessExpiresAt
}

// refreshesAhead: an authorization's pair always refreshes ahead, under
// its lease.
func (s *authToken) refreshesAhead() bool              { return true }
func (s *authToken) refresh(ctx context.Context) error { return s.t.refreshAuth(ctx, s) }
func (s *authToken) spent() bool                       { return s.reauth }
func (s *authToken) logger() *slog.Logger              { return s.log }

// loadAuth reads the authorization from the store. Callers hold s.mu.
func (t *Tokens) loadAuth(ctx context.Context, s *authToken) error {
	a, err := t.auths.Authorization(ctx, s.id)
	if err != nil {
		return fmt.Errorf("load authorization %d: %w", s.id, err)
	}
	s.auth, s.reauth = a, a.Status == store.AuthNeedsReauth
	if s.reauth {
		return fmt.Errorf("authorization %d: %w: %s", s.id, ErrReauthorize, a.LastError)
	}
	return nil
}

// refreshAuth refreshes the authorization's pair under its lease in the
// store, so one instance refreshes for every advertiser and every instance.
// When another instance holds the lease it waits for its result. Callers
// hold s.mu.
func (t *Tokens) refreshAuth(ctx context.Context, s *authToken) error {
	if !s.failedAt.IsZero() && t.now().Before(s.failedAt.Add(t.authRetryAfter())) {
		// Another instance may have refreshed it since: a read, not a call.
		if a, err := t.auths.Authorization(ctx, s.id); err == nil && t.newerPair(a, s.auth.AccessToken) {
			s.auth, s.failedAt, s.failErr = a, time.Time{}, nil
			return nil
		}
		return fmt.Errorf("authorization %d: not refreshing again before %s: %w", s.id,
			s.failedAt.Add(t.authRetryAfter()).Format(time.RFC3339), s.failErr)
	}
	claim, err := t.auths.ClaimRefresh(ctx, store.RefreshClaim{AuthorizationID: s.id, Owner: t.owner,
		Now: t.now(), Lease: authRefreshLease})
	if errors.Is(err, store.ErrLeased) {
		err := t.awaitRefresh(ctx, s)
		if errors.Is(err, store.ErrLeased) {
			// The other instance's refresh did not end in time: its
			// advertisers here do not wait for it one after another.
			s.failedAt, s.failErr = t.now(), err
		}
		return err
	} else if err != nil {
		return fmt.Errorf("authorization %d: claim the refresh: %w", s.id, err)
	}
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), saveTimeout)
	defer cancel()
	if claim.Status == store.AuthNeedsReauth {
		_, _ = t.auths.FailRefresh(bg, s.id, t.owner, claim.LastError, true, t.now())
		s.auth, s.reauth = claim, true
		return fmt.Errorf("authorization %d: %w: %s", s.id, ErrReauthorize, claim.LastError)
	}
	if t.newerPair(claim, s.auth.AccessToken) {
		// Another instance refreshed it since we loaded: take its pair.
		s.auth = claim
		return t.auths.ReplaceTokens(bg, s.id, t.owner, claim.AuthTokens, t.now())
	}
	grant, err := t.c.refreshToken(ctx, s.log.With("op", opRefresh), claim.RefreshToken)
	if err != nil {
		reauth := IsAuth(err)
		msg := fmt.Sprintf("token refresh failed: %v", err)
		first, ferr := t.auths.FailRefresh(bg, s.id, t.owner, msg, reauth, t.now())
		if reauth && errors.Is(ferr, store.ErrLeaseLost) && t.loadAuth(ctx, s) == nil {
			// Approved again while this refresh ran (the browser flow or
			// `auth add`): storing the new pair ended the lease, and the
			// vendor retired this refresh token with it. Nothing needs
			// re-auth: the stored pair is the one to use.
			s.failedAt, s.failErr = time.Time{}, nil
			return nil
		}
		if ferr != nil {
			s.log.Error("recording the failed refresh failed", "error", ferr)
		}
		if !reauth {
			s.failedAt, s.failErr = t.now(), err
			return fmt.Errorf("authorization %d: %w", s.id, err)
		}
		s.auth, s.reauth = claim, true
		s.log.Error("the refresh token was refused; the authorization needs re-auth", "error", err)
		if first && t.onReauth != nil {
			t.onReauth(bg, claim, msg)
		}
		return fmt.Errorf("authorization %d: %w: the refresh token was refused: %w", s.id, ErrReauthorize, err)
	}
	now := t.now()
	tok := store.AuthTokens{AccessToken: grant.AccessToken, RefreshToken: grant.RefreshToken,
		RefreshExpiresAt: claim.RefreshExpiresAt}
	if tok.RefreshToken.IsZero() {
		tok.RefreshToken = claim.RefreshToken
	} else if grant.RefreshExpiresIn > 0 {
		tok.RefreshExpiresAt = now.Add(grant.RefreshExpiresIn)
	}
	if grant.AccessExpiresIn > 0 {
		tok.AccessExpiresAt = now.Add(grant.AccessExpiresIn)
	}
	// Kept in memory even when the save fails: the old refresh token is spent.
	s.auth.AuthTokens = tok
	s.failedAt, s.failErr = time.Time{}, nil
	if err := t.auths.ReplaceTokens(bg, s.id, t.owner, tok, now); err != nil {
		s.log.Error("saving the refreshed token pair failed", "error", err)
		return fmt.Errorf("authorization %d: save the refreshed tokens: %w", s.id, err)
	}
	s.log.Info("authorization's access token refreshed", "access_expires_at", tok.AccessExpiresAt,
		"refresh_expires_at", tok.RefreshExpiresAt)
	return nil
}

// awaitRefresh waits, up to authWait, for the instance holding the refresh
// lease to store a new pair, and takes it. Callers hold s.mu.
func (t *Tokens) awaitRefresh(ctx context.Context, s *authToken) error {
	old := s.auth.AccessToken
	deadline := time.Now().Add(authWait)
	for {
		a, err := t.auths.Authorization(ctx, s.id)
		if err != nil {
			return fmt.Errorf("load authorization %d: %w", s.id, err)
		}
		switch {
		case a.Status == store.AuthNeedsReauth:
			s.auth, s.reauth = a, true
			return fmt.Errorf("authorization %d: %w: %s", s.id, ErrReauthorize, a.LastError)
		case t.newerPair(a, old):
			s.auth = a
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("authorization %d: %w", s.id, store.ErrLeased)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(authWaitStep):
		}
	}
}

// newerPair reports whether a holds a usable pair other than the one whose
// access token is old: stored since by another instance's refresh or by an
// approval given again.
func (t *Tokens) newerPair(a store.Authorization, old secret.String) bool {
	return a.Status == store.AuthOK && !a.AccessToken.IsZero() && a.AccessToken != old && !t.authDue(a.AuthTokens)
}

// authRetryAfter is how long after a failed refresh of an authorization
// the next is tried: a poll interval (a minute when unset), so a cycle of
// pulls makes one attempt for all the authorization's advertisers.
func (t *Tokens) authRetryAfter() time.Duration {
	if t.cfg.PollInterval > 0 {
		return t.cfg.PollInterval
	}
	return time.Minute
}

// authDue reports whether tok's access token expires within refresh_ahead.
func (t *Tokens) authDue(tok store.AuthTokens) bool { return t.dueAt(tok.AccessExpiresAt) }

// refreshDueAuths refreshes every authorization in status ok whose access
// token expires within refresh_ahead.
func (t *Tokens) refreshDueAuths(ctx context.Context) error {
	auths, err := t.auths.Authorizations(ctx)
	if err != nil {
		return fmt.Errorf("list authorizations: %w", err)
	}
	var errs []error
	for _, a := range auths {
		if a.Status != store.AuthOK || !t.authDue(a.AuthTokens) {
			continue
		}
		if _, err := t.authSource(a.ID).Token(ctx); err != nil {
			errs = append(errs, err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	return errors.Join(errs...)
}
