package sqlite

import (
	"context"
	"database/sql"
	"fmt"

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
