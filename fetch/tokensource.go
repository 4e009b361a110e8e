package fetch

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/cluebot/cluebot/secret"
)

// TokenSource hands out one account's access token.
type TokenSource interface {
	// Token returns an access token, refreshed ahead of its expiry.
	Token(ctx context.Context) (string, error)
	// Refresh returns a new access token after stale was refused. When the
	// current token already differs from stale (another caller refreshed it),
	// the current one is returned without a call.
	Refresh(ctx context.Context, stale string) (string, error)
}

// tokenState is one token pair's state: an account's (accountToken) or an
// authorization's (authToken). Token and Refresh follow one flow for both;
// where the pair is kept, and how a refresh is made and shared, differ.
// Its lock guards everything in it; the methods below need it held.
type tokenState interface {
	sync.Locker
	// load makes the pair usable; reread reads it from the store again where
	// another instance may have replaced it.
	load(ctx context.Context, reread bool) error
	// pair returns the current access token and its expiry (zero: unknown).
	pair() (secret.String, time.Time)
	// refreshesAhead reports whether a token about to expire may be
	// refreshed ahead of its expiry.
	refreshesAhead() bool
	// refresh trades the refresh token for a new pair and keeps it.
	refresh(ctx context.Context) error
	// spent reports whether a refresh failed for good: the current access
	// token is then not handed out either.
	spent() bool
	logger() *slog.Logger
}

// source is the TokenSource of one token pair, shared by every advertiser
// pulled with it.
type source struct {
	t *Tokens
	s tokenState
}

// Token implements TokenSource: the current access token, refreshed first
// when there is none or it expires within refresh_ahead; a failed refresh
// ahead of expiry keeps the current token while it lives.
func (src *source) Token(ctx context.Context) (string, error) {
	t, s := src.t, src.s
	s.Lock()
	defer s.Unlock()
	if err := s.load(ctx, false); err != nil {
		return "", err
	}
	access, exp := s.pair()
	switch {
	case access.IsZero():
		if err := s.refresh(ctx); err != nil {
			return "", err
		}
	case t.dueAt(exp) && s.refreshesAhead():
		if err := s.refresh(ctx); err != nil {
			if access, exp = s.pair(); s.spent() || access.IsZero() || !t.now().Before(exp) {
				return "", err
			}
			s.logger().Warn("refreshing ahead of expiry failed; using the current token", "error", err)
		}
	}
	access, _ = s.pair()
	return access.Reveal(), nil
}

// Refresh implements TokenSource: the current token when another caller
// (or instance) already replaced stale, else one refresh.
func (src *source) Refresh(ctx context.Context, stale string) (string, error) {
	s := src.s
	s.Lock()
	defer s.Unlock()
	if err := s.load(ctx, true); err != nil {
		return "", err
	}
	if cur, _ := s.pair(); !cur.IsZero() && cur.Reveal() != stale {
		return cur.Reveal(), nil
	}
	if err := s.refresh(ctx); err != nil {
		return "", err
	}
	cur, _ := s.pair()
	return cur.Reveal(), nil
}

// dueAt reports whether an access token expiring at exp expires within
// refresh_ahead; an unknown expiry is never due.
func (t *Tokens) dueAt(exp time.Time) bool {
	return !exp.IsZero() && !exp.Add(-t.cfg.RefreshAhead).After(t.now())
}
