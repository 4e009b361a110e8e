package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/sqlstore"
)

var _ store.Authorizations = (*Store)(nil)

// authSchema is migration 5: authorizations with their sealed tokens and
// refresh lease, the advertisers each covers, and OAuth states.
const authSchema = `
CREATE TABLE authorizations (
	id                 INTEGER PRIMARY KEY,
	type               TEXT NOT NULL CHECK (type IN ('agent', 'advertiser')),
	advertiser_id      INTEGER NOT NULL,
	user_id            INTEGER NOT NULL,
	access_token       TEXT NOT NULL,
	refresh_token      TEXT NOT NULL,
	access_expires_at  INTEGER NOT NULL,
	refresh_expires_at INTEGER NOT NULL,
	status             TEXT NOT NULL CHECK (status IN ('ok', 'needs-reauth')),
	last_error         TEXT NOT NULL DEFAULT '',
	created_at         INTEGER NOT NULL,
	updated_at         INTEGER NOT NULL,
	lease_owner        TEXT NOT NULL DEFAULT '',
	lease_until        INTEGER NOT NULL DEFAULT 0,
	UNIQUE (type, advertiser_id)
);
CREATE TABLE auth_advertisers (
	authorization_id INTEGER NOT NULL REFERENCES authorizations (id) ON DELETE CASCADE,
	advertiser_id    INTEGER NOT NULL,
	status           TEXT NOT NULL CHECK (status IN ('active', 'left')),
	first_seen       INTEGER NOT NULL,
	left_at          INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (authorization_id, advertiser_id)
) WITHOUT ROWID;
CREATE INDEX auth_advertisers_advertiser ON auth_advertisers (advertiser_id);
CREATE TABLE oauth_states (
	state      TEXT PRIMARY KEY,
	agent      INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
`

const selectAuthSQL = `SELECT id, type, advertiser_id, user_id, access_token, refresh_token, access_expires_at,
	refresh_expires_at, status, last_error, created_at, updated_at, (SELECT count(*) FROM auth_advertisers v
	WHERE v.authorization_id = a.id AND v.status = 'active') FROM authorizations a`

// scanAuth reads a row of selectAuthSQL, opening its tokens.
func (s *Store) scanAuth(row interface{ Scan(...any) error }) (store.Authorization, error) {
	var a store.Authorization
	var access, refresh string
	var accessExp, refreshExp, created, updated int64
	if err := row.Scan(&a.ID, &a.Type, &a.AdvertiserID, &a.UserID, &access, &refresh, &accessExp, &refreshExp,
		&a.Status, &a.LastError, &created, &updated, &a.Advertisers); err != nil {
		return a, err
	}
	a.AccessExpiresAt, a.RefreshExpiresAt = fromMillis(accessExp), fromMillis(refreshExp)
	a.CreatedAt, a.UpdatedAt = fromMillis(created), fromMillis(updated)
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
	now := toMillis(s.now())
	var id int64
	err = s.durableTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO authorizations (type, advertiser_id, user_id, access_token,
			refresh_token, access_expires_at, refresh_expires_at, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 'ok', ?, ?)
			ON CONFLICT (type, advertiser_id) DO UPDATE SET user_id = excluded.user_id,
				access_token = excluded.access_token, refresh_token = excluded.refresh_token,
				access_expires_at = excluded.access_expires_at, refresh_expires_at = excluded.refresh_expires_at,
				status = 'ok', last_error = '', updated_at = excluded.updated_at RETURNING id`,
			a.Type, a.AdvertiserID, a.UserID, access, refresh, toMillis(a.AccessExpiresAt),
			toMillis(a.RefreshExpiresAt), now, now).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("put authorization of advertiser %d: %w", a.AdvertiserID, err)
	}
	return id, nil
}

// Authorization implements store.Authorizations.
func (s *Store) Authorization(ctx context.Context, id int64) (store.Authorization, error) {
	a, err := s.scanAuth(s.read.QueryRowContext(ctx, selectAuthSQL+` WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.Authorization{}, fmt.Errorf("authorization %d: %w", id, err)
	}
	return a, nil
}

// Authorizations implements store.Authorizations.
func (s *Store) Authorizations(ctx context.Context) ([]store.Authorization, error) {
	rows, err := s.read.QueryContext(ctx, selectAuthSQL+` ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("authorizations: %w", err)
	}
	defer rows.Close()
	var out []store.Authorization
	for rows.Next() {
		a, err := s.scanAuth(rows)
		if err != nil {
			return nil, fmt.Errorf("authorizations: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("authorizations: %w", err)
	}
	return out, nil
}

// durableTx runs fn in a write transaction synced to disk on commit
// (synchronous=FULL), as SaveToken does: a rotated refresh token must not
// come back after a power cut.
func (s *Store) durableTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	defer func() { s.wrote(ctx, err) }()
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA synchronous = FULL`); err != nil {
		return err
	}
	defer func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA synchronous = NORMAL`); err != nil {
			s.log.Warn("store: restore synchronous=NORMAL after saving tokens", "err", err)
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// durable runs the shared statements in one durableTx.
func (s *Store) durable(ctx context.Context) sqlstore.Run {
	return func(fn func(db sqlstore.DB) error) error {
		return s.durableTx(ctx, func(tx *sql.Tx) error { return fn(conn{tx}) })
	}
}

// CreateOAuthState implements store.Authorizations. A zero CreatedAt is
// now; a zero ExpiresAt is CreatedAt + store.OAuthStateTTL.
func (s *Store) CreateOAuthState(ctx context.Context, st store.OAuthState) error {
	st, err := store.NewOAuthState(st, s.now())
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM oauth_states WHERE expires_at <= ?`, toMillis(st.CreatedAt)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO oauth_states (state, agent, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			st.State, st.Agent, toMillis(st.CreatedAt), toMillis(st.ExpiresAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("create oauth state: %w", err)
	}
	return nil
}

// ConsumeOAuthState implements store.Authorizations in one statement.
func (s *Store) ConsumeOAuthState(ctx context.Context, state string, now time.Time) (store.OAuthState, error) {
	st := store.OAuthState{State: state, UsedAt: now}
	var created, expires int64
	err := s.write.QueryRowContext(ctx, `UPDATE oauth_states SET used_at = ?
		WHERE state = ? AND used_at = 0 AND expires_at > ? RETURNING agent, created_at, expires_at`,
		toMillis(now), state, toMillis(now)).Scan(&st.Agent, &created, &expires)
	s.wrote(ctx, err)
	if errors.Is(err, sql.ErrNoRows) {
		return store.OAuthState{}, store.ErrStateInvalid
	} else if err != nil {
		return store.OAuthState{}, fmt.Errorf("consume oauth state: %w", err)
	}
	st.CreatedAt, st.ExpiresAt = fromMillis(created), fromMillis(expires)
	return st, nil
}
