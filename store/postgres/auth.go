package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/sqlstore"
)

var _ store.Authorizations = (*Store)(nil)

// authSchema is migration 5: authorizations with their sealed tokens and
// refresh lease, the advertisers each covers, and OAuth states.
const authSchema = `
CREATE TABLE authorizations (
	id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	type               text NOT NULL CHECK (type IN ('agent', 'advertiser')),
	advertiser_id      bigint NOT NULL,
	user_id            bigint NOT NULL,
	access_token       text NOT NULL,
	refresh_token      text NOT NULL,
	access_expires_at  timestamptz NOT NULL,
	refresh_expires_at timestamptz NOT NULL,
	status             text NOT NULL CHECK (status IN ('ok', 'needs-reauth')),
	last_error         text NOT NULL DEFAULT '',
	created_at         timestamptz NOT NULL,
	updated_at         timestamptz NOT NULL,
	lease_owner        text NOT NULL DEFAULT '',
	lease_until        timestamptz NOT NULL DEFAULT '-infinity',
	UNIQUE (type, advertiser_id)
);
CREATE TABLE auth_advertisers (
	authorization_id bigint NOT NULL REFERENCES authorizations (id) ON DELETE CASCADE,
	advertiser_id    bigint NOT NULL,
	status           text NOT NULL CHECK (status IN ('active', 'left')),
	first_seen       timestamptz NOT NULL,
	left_at          timestamptz NOT NULL DEFAULT '-infinity',
	PRIMARY KEY (authorization_id, advertiser_id)
);
CREATE INDEX auth_advertisers_advertiser ON auth_advertisers (advertiser_id);
CREATE TABLE oauth_states (
	state      text COLLATE "C" PRIMARY KEY,
	agent      boolean NOT NULL,
	created_at timestamptz NOT NULL,
	expires_at timestamptz NOT NULL,
	used_at    timestamptz NOT NULL DEFAULT '-infinity'
);
`

const selectAuthSQL = `SELECT id, type, advertiser_id, user_id, access_token, refresh_token, access_expires_at,
	refresh_expires_at, status, last_error, created_at, updated_at, (SELECT count(*) FROM auth_advertisers v
	WHERE v.authorization_id = a.id AND v.status = 'active') FROM authorizations a`

// scanAuth reads a row of selectAuthSQL, opening its tokens.
func (s *Store) scanAuth(row pgx.Row) (store.Authorization, error) {
	var a store.Authorization
	var access, refresh string
	if err := row.Scan(&a.ID, &a.Type, &a.AdvertiserID, &a.UserID, &access, &refresh, (*stamp)(&a.AccessExpiresAt),
		(*stamp)(&a.RefreshExpiresAt), &a.Status, &a.LastError, (*stamp)(&a.CreatedAt), (*stamp)(&a.UpdatedAt),
		&a.Advertisers); err != nil {
		return a, err
	}
	var err error
	a.AccessToken, a.RefreshToken, err = store.OpenTokens(s.keys, fmt.Sprintf("authorization %d", a.ID), access, refresh)
	return a, err
}

// PutAuthorization implements store.Authorizations, durably (see SaveToken).
func (s *Store) PutAuthorization(ctx context.Context, a store.Authorization) (int64, error) {
	if err := a.Validate(); err != nil {
		return 0, fmt.Errorf("put authorization: %w", err)
	}
	access, refresh, err := store.SealTokens(s.keys, a.AuthTokens)
	if err != nil {
		return 0, fmt.Errorf("put authorization of advertiser %d: %w", a.AdvertiserID, err)
	}
	now := stamp(s.now())
	var id int64
	err = s.durableTx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO authorizations (type, advertiser_id, user_id, access_token,
			refresh_token, access_expires_at, refresh_expires_at, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 'ok', $8, $8)
			ON CONFLICT (type, advertiser_id) DO UPDATE SET user_id = excluded.user_id,
				access_token = excluded.access_token, refresh_token = excluded.refresh_token,
				access_expires_at = excluded.access_expires_at, refresh_expires_at = excluded.refresh_expires_at,
				status = 'ok', last_error = '', updated_at = excluded.updated_at RETURNING id`,
			a.Type, a.AdvertiserID, a.UserID, access, refresh, stamp(a.AccessExpiresAt),
			stamp(a.RefreshExpiresAt), now).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("put authorization of advertiser %d: %w", a.AdvertiserID, err)
	}
	return id, nil
}

// Authorization implements store.Authorizations.
func (s *Store) Authorization(ctx context.Context, id int64) (store.Authorization, error) {
	a, err := s.scanAuth(s.pool.QueryRow(ctx, selectAuthSQL+` WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.Authorization{}, fmt.Errorf("authorization %d: %w", id, err)
	}
	return a, nil
}

// Authorizations implements store.Authorizations.
func (s *Store) Authorizations(ctx context.Context) ([]store.Authorization, error) {
	rows, err := s.pool.Query(ctx, selectAuthSQL+` ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("authorizations: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Authorization, error) { return s.scanAuth(r) })
	if err != nil {
		return nil, fmt.Errorf("authorizations: %w", err)
	}
	return out, nil
}

// durableTx runs fn in a transaction that commits with synchronous_commit
// on, as SaveToken does: a rotated refresh token must not come back after a
// crash.
func (s *Store) durableTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = on`); err != nil {
			return err
		}
		return fn(tx)
	})
}

// durable runs the shared statements in one durableTx.
func (s *Store) durable(ctx context.Context) sqlstore.Run {
	return func(fn func(db sqlstore.DB) error) error {
		return s.durableTx(ctx, func(tx pgx.Tx) error { return fn(conn{tx}) })
	}
}

// CreateOAuthState implements store.Authorizations. A zero CreatedAt is
// now; a zero ExpiresAt is CreatedAt + store.OAuthStateTTL.
func (s *Store) CreateOAuthState(ctx context.Context, st store.OAuthState) error {
	st, err := store.NewOAuthState(st, s.now())
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM oauth_states WHERE expires_at <= $1`, stamp(st.CreatedAt)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO oauth_states (state, agent, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			st.State, st.Agent, stamp(st.CreatedAt), stamp(st.ExpiresAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("create oauth state: %w", err)
	}
	return nil
}

// ConsumeOAuthState implements store.Authorizations in one statement: of
// instances consuming the same state at once, the row lock lets one win.
func (s *Store) ConsumeOAuthState(ctx context.Context, state string, now time.Time) (store.OAuthState, error) {
	st := store.OAuthState{State: state, UsedAt: now}
	err := s.pool.QueryRow(ctx, `UPDATE oauth_states SET used_at = $1
		WHERE state = $2 AND used_at = '-infinity' AND expires_at > $1 RETURNING agent, created_at, expires_at`,
		stamp(now), state).Scan(&st.Agent, (*stamp)(&st.CreatedAt), (*stamp)(&st.ExpiresAt))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.OAuthState{}, store.ErrStateInvalid
	} else if err != nil {
		return store.OAuthState{}, fmt.Errorf("consume oauth state: %w", err)
	}
	return st, nil
}
