package fetch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/secret"
)

const (
	refreshPath  = "/rest/openapi/oauth2/authorize/refresh_token"
	exchangePath = "/rest/openapi/oauth2/authorize/access_token"
	opRefresh    = "token refresh"
	opExchange   = "code exchange"
)

// TokenGrant is the token pair a refresh or a code exchange returns. The
// refresh token rotates: the caller must store the new pair before using
// the new access token. For an agency authorization AdvertiserID is the
// agency's own account (it has no clues) and AdvertiserIDs may list only
// some of the advertisers it covers: ApprovalList reads them all.
type TokenGrant struct {
	AccessToken      secret.String
	RefreshToken     secret.String
	AccessExpiresIn  time.Duration
	RefreshExpiresIn time.Duration
	AdvertiserID     int64
	AdvertiserIDs    []int64
	UserID           string // the authorizing Kuaishou user, as decimal digits; "" when not sent
	ApprovalType     string // the vendor's approval_type, as sent; "" when not sent
}

type grantData struct {
	AccessToken      string     `json:"access_token"`
	AccessExpiresIn  clue.Int   `json:"access_token_expires_in"`
	RefreshToken     string     `json:"refresh_token"`
	RefreshExpiresIn clue.Int   `json:"refresh_token_expires_in"`
	AdvertiserID     clue.Int   `json:"advertiser_id"`
	AdvertiserIDs    []clue.Int `json:"advertiser_ids"`
	UserID           clue.ID    `json:"user_id"`
	ApprovalType     clue.Str   `json:"approval_type"`
}

// grant reads the token pair of a successful token answer. An answer
// without data or an access token is a permanent failure of op.
func grant(op string, env *envelope[grantData]) (*TokenGrant, error) {
	fail := func(err error) error {
		return &APIError{Op: op, HTTPStatus: env.status, RequestID: string(env.RequestID),
			Class: ClassPermanent, Err: err}
	}
	if env.dataErr != nil {
		return nil, fail(fmt.Errorf("decode data: %w", env.dataErr))
	}
	d := env.Data
	if d == nil || d.AccessToken == "" {
		return nil, fail(errors.New("response carries no access_token"))
	}
	g := &TokenGrant{AccessToken: secret.String(d.AccessToken), RefreshToken: secret.String(d.RefreshToken),
		AccessExpiresIn:  time.Duration(d.AccessExpiresIn) * time.Second,
		RefreshExpiresIn: time.Duration(d.RefreshExpiresIn) * time.Second,
		AdvertiserID:     int64(d.AdvertiserID), UserID: string(d.UserID), ApprovalType: string(d.ApprovalType)}
	for _, id := range d.AdvertiserIDs {
		if id > 0 {
			g.AdvertiserIDs = append(g.AdvertiserIDs, int64(id))
		}
	}
	return g, nil
}

// RefreshToken trades a refresh token for a new token pair, retrying
// transient failures. An auth failure (the refresh token was refused) is
// returned as is.
func (c *Client) RefreshToken(ctx context.Context, refreshToken secret.String) (*TokenGrant, error) {
	return c.refreshToken(ctx, c.log.With("op", opRefresh), refreshToken)
}

func (c *Client) refreshToken(ctx context.Context, log *slog.Logger, refreshToken secret.String) (*TokenGrant, error) {
	if c.cfg.AppID == 0 || c.cfg.Secret.IsZero() || refreshToken.IsZero() {
		return nil, errors.New("refresh token: app_id, secret and a refresh token are required")
	}
	g, err := c.tokenCall(ctx, log, opRefresh, refreshPath, "refresh_token", refreshToken.Reveal())
	if err != nil {
		return nil, fmt.Errorf("refresh token: %w", err)
	}
	return g, nil
}

// ExchangeCode trades an authorization code, from the browser's landing on
// the redirect URL, for the authorization's token pair, retrying transient
// failures. The code works once, for about 10 minutes: a refused code (an
// auth-class error, IsAuth) cannot be retried, a person must authorize
// again. Neither the code nor a token appears in the error.
func (c *Client) ExchangeCode(ctx context.Context, code string) (*TokenGrant, error) {
	if c.cfg.AppID == 0 || c.cfg.Secret.IsZero() || code == "" {
		return nil, errors.New("exchange code: app_id, secret and a code are required")
	}
	g, err := c.tokenCall(ctx, c.log.With("op", opExchange), opExchange, exchangePath, "auth_code", code)
	if err != nil {
		return nil, fmt.Errorf("exchange code: %w", err)
	}
	return g, nil
}

// tokenCall posts {app_id, secret, key: value} to a token endpoint, retrying
// transient failures, and reads the grant. The secret and value are
// scrubbed from the vendor's message.
func (c *Client) tokenCall(ctx context.Context, log *slog.Logger, op, path, key, value string) (*TokenGrant, error) {
	body := map[string]any{"app_id": c.cfg.AppID, "secret": c.cfg.Secret.Reveal(), key: value}
	var scrub secret.Scrubber
	scrub.Add(c.cfg.Secret.Reveal(), value)
	var g *TokenGrant
	call := func(ctx context.Context) error {
		env, err := post[grantData](ctx, c, op, path, "", body, &scrub)
		if err == nil {
			g, err = grant(op, env)
		}
		return err
	}
	if err := c.retry(ctx, log, call, nil); err != nil {
		return nil, err
	}
	return g, nil
}
