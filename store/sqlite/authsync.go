package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/store"
)

// SetAdvertisers implements store.Authorizations in one transaction.
func (s *Store) SetAdvertisers(ctx context.Context, authID int64, ids []int64, now time.Time) (added, left []int64, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var typ string
		var self int64
		err := tx.QueryRowContext(ctx, `SELECT type, advertiser_id FROM authorizations WHERE id = ?`, authID).Scan(&typ, &self)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		} else if err != nil {
			return err
		}
		if typ != store.AuthAgent {
			self = 0
		}
		current := map[int64]string{}
		rows, err := tx.QueryContext(ctx, `SELECT advertiser_id, status FROM auth_advertisers WHERE authorization_id = ?`, authID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var st string
			if err := rows.Scan(&id, &st); err != nil {
				rows.Close()
				return err
			}
			current[id] = st
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		added, left = store.DiffAdvertisers(current, ids, self)
		at := toMillis(now)
		if err := execEach(ctx, tx, `INSERT INTO auth_advertisers (authorization_id, advertiser_id, status, first_seen)
			VALUES (?, ?, 'active', ?) ON CONFLICT (authorization_id, advertiser_id)
			DO UPDATE SET status = 'active', left_at = 0`, added, func(id int64) []any { return []any{authID, id, at} }); err != nil {
			return err
		}
		return execEach(ctx, tx, `UPDATE auth_advertisers SET status = 'left', left_at = ?
			WHERE authorization_id = ? AND advertiser_id = ?`, left, func(id int64) []any { return []any{at, authID, id} })
	})
	if err != nil {
		return nil, nil, fmt.Errorf("set advertisers of authorization %d: %w", authID, err)
	}
	return added, left, nil
}

// execEach runs one prepared statement for each id, with args(id).
func execEach(ctx context.Context, tx *sql.Tx, query string, ids []int64, args func(int64) []any) error {
	if len(ids) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, id := range ids {
		if _, err := stmt.ExecContext(ctx, args(id)...); err != nil {
			return err
		}
	}
	return nil
}

// AuthAdvertisers implements store.Authorizations.
func (s *Store) AuthAdvertisers(ctx context.Context, authID int64) ([]store.Covered, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT v.authorization_id, v.advertiser_id, v.status, v.first_seen,
		v.left_at, a.status, a.last_error FROM auth_advertisers v JOIN authorizations a ON a.id = v.authorization_id
		WHERE ? = 0 OR v.authorization_id = ? ORDER BY v.authorization_id, v.advertiser_id`, authID, authID)
	if err != nil {
		return nil, fmt.Errorf("advertisers of authorization %d: %w", authID, err)
	}
	defer rows.Close()
	var out []store.Covered
	for rows.Next() {
		var v store.Covered
		var first, leftAt int64
		if err := rows.Scan(&v.AuthorizationID, &v.AdvertiserID, &v.Status, &first, &leftAt, &v.AuthStatus, &v.AuthError); err != nil {
			return nil, fmt.Errorf("advertisers of authorization %d: %w", authID, err)
		}
		v.FirstSeen, v.LeftAt = fromMillis(first), fromMillis(leftAt)
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("advertisers of authorization %d: %w", authID, err)
	}
	return out, nil
}

// ClaimRefresh implements store.Authorizations.
func (s *Store) ClaimRefresh(ctx context.Context, c store.RefreshClaim) (store.Authorization, error) {
	if c.Owner == "" || c.Lease <= 0 {
		return store.Authorization{}, errors.New("claim refresh: owner and a positive lease are required")
	}
	var a store.Authorization
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE authorizations SET lease_owner = ?, lease_until = ?
			WHERE id = ? AND (lease_until <= ? OR lease_owner = ?)`,
			c.Owner, toMillis(c.Now.Add(c.Lease)), c.AuthorizationID, toMillis(c.Now), c.Owner)
		if err != nil {
			return err
		}
		a, err = s.scanAuth(tx.QueryRowContext(ctx, selectAuthSQL+` WHERE id = ?`, c.AuthorizationID))
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		} else if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(store.ErrLeased, err)
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
	err = s.durableTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE authorizations SET access_token = ?, refresh_token = ?,
			access_expires_at = ?, refresh_expires_at = ?, status = 'ok', last_error = '', updated_at = ?,
			lease_owner = '', lease_until = 0 WHERE id = ? AND lease_owner = ?`,
			access, refresh, toMillis(t.AccessExpiresAt), toMillis(t.RefreshExpiresAt), toMillis(now), authID, owner)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(store.ErrLeaseLost, err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("replace tokens of authorization %d: %w", authID, err)
	}
	return nil
}

// FailRefresh implements store.Authorizations.
func (s *Store) FailRefresh(ctx context.Context, authID int64, owner, msg string, reauth bool, now time.Time) (bool, error) {
	var first bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var status, leaseOwner string
		err := tx.QueryRowContext(ctx, `SELECT status, lease_owner FROM authorizations WHERE id = ?`, authID).Scan(&status, &leaseOwner)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		} else if err != nil {
			return err
		}
		if status, first, err = store.RefreshFailed(status, leaseOwner, owner, reauth); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE authorizations SET status = ?, last_error = ?, updated_at = ?,
			lease_owner = '', lease_until = 0 WHERE id = ?`, status, msg, toMillis(now), authID)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("fail refresh of authorization %d: %w", authID, err)
	}
	return first, nil
}
