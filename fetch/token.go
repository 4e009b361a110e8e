package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
)

// saveTimeout bounds saving a token, which outlives ctx: a rotation spent the old one.
const saveTimeout = 10 * time.Second

// TokenStore keeps accounts' token pairs durably; store.Store satisfies it.
type TokenStore interface {
	Token(ctx context.Context, advertiserID int64) (store.Token, error)
	SaveToken(ctx context.Context, t store.Token) error
}

// Tokens manages the accounts' OAuth tokens: it seeds them from the config,
// refreshes them ahead of expiry or after a refusal, and saves every rotated
// pair before its access token is used. It is safe for concurrent use; each
// account refreshes under its own mutex, so concurrent callers refresh once.
type Tokens struct {
	c     *Client
	st    TokenStore
	cfg   *Config
	log   *slog.Logger
	now   func() time.Time
	mu    sync.Mutex
	accts map[int64]*accountToken

	// Authorizations' tokens (UseAuthorizations).
	auths    AuthTokenStore
	owner    string
	onReauth ReauthFunc
	authSt   map[int64]*authToken
}

// accountToken is one account's token state; mu guards everything in it.
type accountToken struct {
	t       *Tokens
	mu      sync.Mutex
	acct    Account
	seed    string
	loaded  bool // tok holds the stored (or seeded) pair
	unsaved bool // tok was rotated but not saved yet: do not use it
	tok     store.Token
	log     *slog.Logger
}

// NewTokens returns a token manager. now may be nil (time.Now).
func NewTokens(c *Client, st TokenStore, cfg *Config, logger *slog.Logger, now func() time.Time) *Tokens {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Tokens{c: c, st: st, cfg: cfg, log: logger.With("component", "tokens"), now: now,
		accts: map[int64]*accountToken{}}
}

// TokenSeed fingerprints an account's configured token pair: a hex prefix of
// their sha256. A stored pair whose seed differs was rotated from tokens the
// operator has since replaced, so the config's tokens win.
func TokenSeed(a Account) string {
	sum := sha256.Sum256([]byte(a.AccessToken.Reveal() + "\x00" + a.RefreshToken.Reveal()))
	return hex.EncodeToString(sum[:8])
}

// Source returns the token source of account a. Sources of one account share
// its state, unless a's configured tokens changed (the account was
// re-authorised): then the config's tokens start a new state.
func (t *Tokens) Source(a Account) TokenSource {
	if a.AuthorizationID != 0 && t.auths != nil {
		return t.authSource(a.AuthorizationID)
	}
	seed := TokenSeed(a)
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.accts[a.AdvertiserID]
	if s == nil || s.seed != seed {
		s = &accountToken{t: t, acct: a, seed: seed,
			log: t.log.With("advertiser_id", a.AdvertiserID, "account", a.Name)}
		t.accts[a.AdvertiserID] = s
	}
	return &source{t: t, s: s}
}

// RefreshDue refreshes every configured account whose access token expires
// within cfg.RefreshAhead. A token of unknown expiry (seeded from the config)
// is not due: it is refreshed when refused. Errors are joined; every account
// is tried.
func (t *Tokens) RefreshDue(ctx context.Context) error {
	var errs []error
	for _, a := range t.cfg.Accounts {
		s := t.Source(a).(*source).s.(*accountToken)
		s.mu.Lock()
		err := t.load(ctx, s)
		if err == nil && t.dueAt(s.tok.AccessExpiresAt) {
			err = t.refresh(ctx, s)
		}
		s.mu.Unlock()
		if errs = append(errs, err); ctx.Err() != nil {
			break
		}
	}
	if t.auths != nil && ctx.Err() == nil {
		errs = append(errs, t.refreshDueAuths(ctx))
	}
	return errors.Join(errs...)
}

func (s *accountToken) Lock()                                  { s.mu.Lock() }
func (s *accountToken) Unlock()                                { s.mu.Unlock() }
func (s *accountToken) load(ctx context.Context, _ bool) error { return s.t.load(ctx, s) }
func (s *accountToken) pair() (secret.String, time.Time) {
	return s.tok.AccessToken, s.tok.AccessExpiresAt
}
func (s *accountToken) refreshesAhead() bool              { return s.t.canRefresh(s) }
func (s *accountToken) refresh(ctx context.Context) error { return s.t.refresh(ctx, s) }
func (s *accountToken) spent() bool                       { return false } // a refused refresh keeps a live token
func (s *accountToken) logger() *slog.Logger              { return s.log }

// load makes s.tok usable: it saves a rotated pair still unsaved (kept in
// memory, as the old refresh token is spent), and on first
// use loads the stored pair, or seeds it from the config when none is stored
// or the stored one descends from other config tokens. Callers hold s.mu.
func (t *Tokens) load(ctx context.Context, s *accountToken) error {
	if s.unsaved {
		if err := t.save(ctx, s); err != nil {
			return err
		}
	}
	if s.loaded {
		return nil
	}
	id := s.acct.AdvertiserID
	stored, err := t.st.Token(ctx, id)
	unopenable := unopenable(err)
	if unopenable {
		// The key it was sealed with is lost or wrong: the config's pair
		// still works, and saving it seals it with the current key.
		s.log.Warn("the stored token pair cannot be opened with the configured key; using the tokens in the config",
			"error", err)
	}
	switch {
	case err == nil && stored.Seed == s.seed:
		s.tok = stored
	case err == nil || errors.Is(err, store.ErrNotFound) || unopenable:
		replaced := err == nil || unopenable
		s.tok = store.Token{AdvertiserID: id, AccessToken: s.acct.AccessToken,
			RefreshToken: s.acct.RefreshToken, Seed: s.seed, UpdatedAt: t.now()}
		if err := t.save(ctx, s); err != nil {
			return err
		}
		s.log.Info("token seeded from the config", "replaced_stored", replaced)
	default:
		return fmt.Errorf("load token of advertiser %d: %w", id, err)
	}
	s.loaded = true
	return nil
}

// refresh trades the refresh token for a new pair and saves it; the pair is
// kept in memory, marked unsaved, when saving fails. Callers hold s.mu.
func (t *Tokens) refresh(ctx context.Context, s *accountToken) error {
	id := s.acct.AdvertiserID
	if !t.canRefresh(s) {
		return fmt.Errorf("advertiser %d: %w: no refresh token or no app_id/secret to refresh with",
			id, ErrReauthorize)
	}
	// Another instance sharing the store may have rotated the pair already:
	// its refresh token is then the only valid one, so take it.
	if t.adoptNewer(ctx, s) {
		return nil
	}
	grant, err := t.c.refreshToken(ctx, s.log.With("op", opRefresh), s.tok.RefreshToken)
	if IsAuth(err) && t.adoptNewer(ctx, s) {
		return nil // it rotated while we asked: ours was spent
	}
	if IsAuth(err) {
		return fmt.Errorf("advertiser %d: %w: the refresh token was refused: %w", id, ErrReauthorize, err)
	} else if err != nil {
		return fmt.Errorf("advertiser %d: %w", id, err)
	}
	now := t.now()
	tok := store.Token{AdvertiserID: id, AccessToken: grant.AccessToken, RefreshToken: grant.RefreshToken,
		RefreshExpiresAt: s.tok.RefreshExpiresAt, Seed: s.seed, UpdatedAt: now}
	if tok.RefreshToken.IsZero() {
		tok.RefreshToken = s.tok.RefreshToken
		s.log.Warn("refresh returned no refresh token; keeping the current one")
	} else if grant.RefreshExpiresIn > 0 {
		tok.RefreshExpiresAt = now.Add(grant.RefreshExpiresIn)
	}
	if grant.AccessExpiresIn > 0 {
		tok.AccessExpiresAt = now.Add(grant.AccessExpiresIn)
	}
	s.tok, s.unsaved = tok, true
	if err := t.save(ctx, s); err != nil {
		return err
	}
	s.log.Info("access token refreshed", "access_expires_at", tok.AccessExpiresAt,
		"refresh_expires_at", tok.RefreshExpiresAt)
	return nil
}

// adoptNewer takes the stored pair when another process saved a different
// rotation of the same config tokens; it reports whether it did. Callers
// hold s.mu.
func (t *Tokens) adoptNewer(ctx context.Context, s *accountToken) bool {
	if s.unsaved {
		return false
	}
	stored, err := t.st.Token(ctx, s.acct.AdvertiserID)
	if err != nil || stored.Seed != s.seed || stored.RefreshToken == s.tok.RefreshToken || stored.RefreshToken.IsZero() {
		return false
	}
	s.tok = stored
	s.log.Info("took the token another instance refreshed")
	return true
}

// save stores an unsaved pair, even if ctx has ended. Callers hold s.mu.
func (t *Tokens) save(ctx context.Context, s *accountToken) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), saveTimeout)
	defer cancel()
	if err := t.st.SaveToken(ctx, s.tok); err != nil {
		s.log.Error("saving the token failed", "unsaved_rotation", s.unsaved, "error", err)
		return fmt.Errorf("save token of advertiser %d: %w", s.acct.AdvertiserID, err)
	}
	s.unsaved = false
	return nil
}

func (t *Tokens) canRefresh(s *accountToken) bool {
	return t.cfg.CanRefresh(Account{RefreshToken: s.tok.RefreshToken})
}

// unopenable reports whether err says a stored token is sealed with a key
// cluebot does not have, or is damaged.
func unopenable(err error) bool {
	return errors.Is(err, secret.ErrNoKey) || errors.Is(err, secret.ErrUnknownKey) || errors.Is(err, secret.ErrTampered)
}
