package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/store"
)

var _ store.Authorizations = (*Common)(nil)

// SelectAuthSQL selects every column ScanAuth reads.
const SelectAuthSQL = `SELECT id, type, advertiser_id, user_id, access_token, refresh_token, access_expires_at,
	refresh_expires_at, status, last_error, created_at, updated_at, (SELECT count(*) FROM auth_advertisers v
	WHERE v.authorization_id = a.id AND v.status = 'active') FROM authorizations a`

// ScanAuth reads a row of SelectAuthSQL, opening its tokens.
func (s *Common) ScanAuth(row Row) (store.Authorization, error) {
	var a store.Authorization
	var access, refresh string
	if err := row.Scan(&a.ID, &a.Type, &a.AdvertiserID, &a.UserID, &access, &refresh,
		s.d.ScanTime(&a.AccessExpiresAt), s.d.ScanTime(&a.RefreshExpiresAt), &a.Status, &a.LastError,
		s.d.ScanTime(&a.CreatedAt), s.d.ScanTime(&a.UpdatedAt), &a.Advertisers); err != nil {
		return a, err
	}
	var err error
	a.AccessToken, a.RefreshToken, err = store.OpenTokens(s.keys, fmt.Sprintf("authorization %d", a.ID), access, refresh)
	return a, err
}

// PutAuthorization implements store.Authorizations, durably (see
// SetDurable).
func (s *Common) PutAuthorization(ctx context.Context, a store.Authorization) (int64, error) {
	if err := a.Validate(); err != nil {
		return 0, fmt.Errorf("put authorization: %w", err)
	}
	access, refresh, err := store.SealTokens(s.keys, a.AuthTokens)
	if err != nil {
		return 0, fmt.Errorf("put authorization of advertiser %d: %w", a.AdvertiserID, err)
	}
	p, now := s.d.Param, s.d.Time(s.now())
	var id int64
	err = s.durable(ctx)(func(db DB) error {
		return db.QueryRow(ctx, `INSERT INTO authorizations (type, advertiser_id, user_id, access_token,
			refresh_token, access_expires_at, refresh_expires_at, status, created_at, updated_at)
			VALUES (`+p(1)+`, `+p(2)+`, `+p(3)+`, `+p(4)+`, `+p(5)+`, `+p(6)+`, `+p(7)+`, 'ok', `+p(8)+`, `+p(8)+`)
			ON CONFLICT (type, advertiser_id) DO UPDATE SET user_id = excluded.user_id,
				access_token = excluded.access_token, refresh_token = excluded.refresh_token,
				access_expires_at = excluded.access_expires_at, refresh_expires_at = excluded.refresh_expires_at,
				status = 'ok', last_error = '', updated_at = excluded.updated_at,
				lease_owner = '', lease_until = `+s.d.Zero+` RETURNING id`,
			a.Type, a.AdvertiserID, a.UserID, access, refresh, s.d.Time(a.AccessExpiresAt),
			s.d.Time(a.RefreshExpiresAt), now).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("put authorization of advertiser %d: %w", a.AdvertiserID, err)
	}
	return id, nil
}

// Authorization implements store.Authorizations.
func (s *Common) Authorization(ctx context.Context, id int64) (store.Authorization, error) {
	a, err := s.ScanAuth(s.read.QueryRow(ctx, SelectAuthSQL+` WHERE id = `+s.d.Param(1), id))
	if errors.Is(err, s.d.NoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.Authorization{}, fmt.Errorf("authorization %d: %w", id, err)
	}
	return a, nil
}

// Authorizations implements store.Authorizations.
func (s *Common) Authorizations(ctx context.Context) ([]store.Authorization, error) {
	rows, err := s.read.Query(ctx, SelectAuthSQL+` ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("authorizations: %w", err)
	}
	out, err := collect(rows, func(r Row, a *store.Authorization) (err error) {
		*a, err = s.ScanAuth(r)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("authorizations: %w", err)
	}
	return out, nil
}

// CreateOAuthState implements store.Authorizations. A zero CreatedAt is
// now; a zero ExpiresAt is CreatedAt + store.OAuthStateTTL.
func (s *Common) CreateOAuthState(ctx context.Context, st store.OAuthState) error {
	st, err := store.NewOAuthState(st, s.now())
	if err != nil {
		return err
	}
	p := s.d.Param
	err = s.tx(ctx)(func(db DB) error {
		if _, err := db.Exec(ctx, `DELETE FROM oauth_states WHERE expires_at <= `+p(1), s.d.Time(st.CreatedAt)); err != nil {
			return err
		}
		_, err := db.Exec(ctx, `INSERT INTO oauth_states (state, agent, created_at, expires_at) VALUES (`+
			p(1)+`, `+p(2)+`, `+p(3)+`, `+p(4)+`)`, st.State, st.Agent, s.d.Time(st.CreatedAt), s.d.Time(st.ExpiresAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("create oauth state: %w", err)
	}
	return nil
}

// ConsumeOAuthState implements store.Authorizations in one statement: of
// instances consuming the same state at once, one wins.
func (s *Common) ConsumeOAuthState(ctx context.Context, state string, now time.Time) (store.OAuthState, error) {
	st := store.OAuthState{State: state, UsedAt: now}
	p := s.d.Param
	err := s.write.QueryRow(ctx, `UPDATE oauth_states SET used_at = `+p(1)+` WHERE state = `+p(2)+
		` AND used_at = `+s.d.Zero+` AND expires_at > `+p(1)+` RETURNING agent, created_at, expires_at`,
		s.d.Time(now), state).Scan(&st.Agent, s.d.ScanTime(&st.CreatedAt), s.d.ScanTime(&st.ExpiresAt))
	if errors.Is(err, s.d.NoRows) {
		return store.OAuthState{}, store.ErrStateInvalid
	} else if err != nil {
		return store.OAuthState{}, fmt.Errorf("consume oauth state: %w", err)
	}
	return st, nil
}

// ReleaseOAuthState implements store.Authorizations: only the consumption
// at usedAt is undone.
func (s *Common) ReleaseOAuthState(ctx context.Context, state string, usedAt time.Time) error {
	p := s.d.Param
	if _, err := s.write.Exec(ctx, `UPDATE oauth_states SET used_at = `+s.d.Zero+` WHERE state = `+p(1)+
		` AND used_at = `+p(2), state, s.d.Time(usedAt)); err != nil {
		return fmt.Errorf("release oauth state: %w", err)
	}
	return nil
}
