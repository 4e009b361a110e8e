package postgres

import (
	"context"

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
