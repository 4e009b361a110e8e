package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
)

// SetAdvertisers implements store.Authorizations in one transaction, which
// locks the authorization's row first: discoveries of one authorization by
// several instances take turns.
func (s *Store) SetAdvertisers(ctx context.Context, authID int64, ids []int64, now time.Time) (added, left []int64, err error) {
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		var typ string
		var self int64
		err := tx.QueryRow(ctx, `SELECT type, advertiser_id FROM authorizations WHERE id = $1 FOR UPDATE`, authID).Scan(&typ, &self)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		} else if err != nil {
			return err
		}
		if typ != store.AuthAgent {
			self = 0
		}
		current := map[int64]string{}
		rows, _ := tx.Query(ctx, `SELECT advertiser_id, status FROM auth_advertisers WHERE authorization_id = $1`, authID)
		var id int64
		var st string
		if _, err := pgx.ForEachRow(rows, []any{&id, &st}, func() error { current[id] = st; return nil }); err != nil {
			return err
		}
		added, left = store.DiffAdvertisers(current, ids, self)
		if _, err := tx.Exec(ctx, `INSERT INTO auth_advertisers (authorization_id, advertiser_id, status, first_seen)
			SELECT $1, id, 'active', $3 FROM unnest($2::bigint[]) AS id
			ON CONFLICT (authorization_id, advertiser_id) DO UPDATE SET status = 'active', left_at = '-infinity'`,
			authID, added, stamp(now)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE auth_advertisers SET status = 'left', left_at = $3
			WHERE authorization_id = $1 AND advertiser_id = ANY ($2)`, authID, left, stamp(now))
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("set advertisers of authorization %d: %w", authID, err)
	}
	return added, left, nil
}

// AuthAdvertisers implements store.Authorizations.
func (s *Store) AuthAdvertisers(ctx context.Context, authID int64) ([]store.Covered, error) {
	rows, err := s.pool.Query(ctx, `SELECT v.authorization_id, v.advertiser_id, v.status, v.first_seen,
		v.left_at, a.status, a.last_error FROM auth_advertisers v JOIN authorizations a ON a.id = v.authorization_id
		WHERE $1 = 0 OR v.authorization_id = $1 ORDER BY v.authorization_id, v.advertiser_id`, authID)
	if err != nil {
		return nil, fmt.Errorf("advertisers of authorization %d: %w", authID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Covered, error) {
		var v store.Covered
		err := r.Scan(&v.AuthorizationID, &v.AdvertiserID, &v.Status, (*stamp)(&v.FirstSeen), (*stamp)(&v.LeftAt), &v.AuthStatus, &v.AuthError)
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("advertisers of authorization %d: %w", authID, err)
	}
	return out, nil
}

// ClaimRefresh implements store.Authorizations. The lease is taken in one
// UPDATE: of instances claiming at once, the row lock lets one win.
func (s *Store) ClaimRefresh(ctx context.Context, c store.RefreshClaim) (store.Authorization, error) {
	if c.Owner == "" || c.Lease <= 0 {
		return store.Authorization{}, errors.New("claim refresh: owner and a positive lease are required")
	}
	var a store.Authorization
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE authorizations SET lease_owner = $1, lease_until = $2
			WHERE id = $3 AND (lease_until <= $4 OR lease_owner = $1)`,
			c.Owner, stamp(c.Now.Add(c.Lease)), c.AuthorizationID, stamp(c.Now))
		if err != nil {
			return err
		}
		a, err = s.scanAuth(tx.QueryRow(ctx, selectAuthSQL+` WHERE id = $1`, c.AuthorizationID))
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		} else if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return store.ErrLeased
		}
		return nil
	})
	if err != nil {
		return store.Authorization{}, fmt.Errorf("claim refresh of authorization %d: %w", c.AuthorizationID, err)
	}
	return a, nil
}

// ReplaceTokens implements store.Authorizations, durably.
func (s *Store) ReplaceTokens(ctx context.Context, authID int64, owner string, t store.AuthTokens, now time.Time) error {
	access, refresh, err := store.SealTokens(s.keys, t)
	if err != nil {
		return fmt.Errorf("replace tokens of authorization %d: %w", authID, err)
	}
	err = s.durableTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE authorizations SET access_token = $1, refresh_token = $2,
			access_expires_at = $3, refresh_expires_at = $4, status = 'ok', last_error = '', updated_at = $5,
			lease_owner = '', lease_until = '-infinity' WHERE id = $6 AND lease_owner = $7`,
			access, refresh, stamp(t.AccessExpiresAt), stamp(t.RefreshExpiresAt), stamp(now), authID, owner)
		if err == nil && tag.RowsAffected() == 0 {
			err = store.ErrLeaseLost
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("replace tokens of authorization %d: %w", authID, err)
	}
	return nil
}

// FailRefresh implements store.Authorizations; the row is locked while its
// status is read and changed, so one caller sees it change.
func (s *Store) FailRefresh(ctx context.Context, authID int64, owner, msg string, reauth bool, now time.Time) (bool, error) {
	var first bool
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var status, leaseOwner string
		err := tx.QueryRow(ctx, `SELECT status, lease_owner FROM authorizations WHERE id = $1 FOR UPDATE`, authID).
			Scan(&status, &leaseOwner)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		} else if err != nil {
			return err
		}
		if status, first, err = store.RefreshFailed(status, leaseOwner, owner, reauth); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE authorizations SET status = $1, last_error = $2, updated_at = $3,
			lease_owner = '', lease_until = '-infinity' WHERE id = $4`, status, msg, stamp(now), authID)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("fail refresh of authorization %d: %w", authID, err)
	}
	return first, nil
}
