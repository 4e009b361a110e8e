package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/store"
)

// SetAdvertisers implements store.Authorizations in one write transaction,
// which locks the authorization's row first (Dialect.ForUpdate where the
// transaction alone does not): discoveries of one authorization by several
// instances take turns.
func (s *Common) SetAdvertisers(ctx context.Context, authID int64, ids []int64, now time.Time) (added, left []int64, err error) {
	p, at := s.d.Param, s.d.Time(now)
	err = s.tx(ctx)(func(db DB) error {
		var typ string
		var self int64
		err := db.QueryRow(ctx, `SELECT type, advertiser_id FROM authorizations WHERE id = `+p(1)+s.d.ForUpdate, authID).
			Scan(&typ, &self)
		if errors.Is(err, s.d.NoRows) {
			return store.ErrNotFound
		} else if err != nil {
			return err
		}
		if typ != store.AuthAgent {
			self = 0
		}
		rows, err := db.Query(ctx, `SELECT advertiser_id, status FROM auth_advertisers WHERE authorization_id = `+p(1), authID)
		if err != nil {
			return err
		}
		type seen struct {
			id     int64
			status string
		}
		all, err := collect(rows, func(r Row, v *seen) error { return r.Scan(&v.id, &v.status) })
		if err != nil {
			return err
		}
		current := make(map[int64]string, len(all))
		for _, v := range all {
			current[v.id] = v.status
		}
		added, left = store.DiffAdvertisers(current, ids, self)
		for _, id := range added {
			if _, err := db.Exec(ctx, `INSERT INTO auth_advertisers (authorization_id, advertiser_id, status, first_seen)
				VALUES (`+p(1)+`, `+p(2)+`, 'active', `+p(3)+`) ON CONFLICT (authorization_id, advertiser_id)
				DO UPDATE SET status = 'active', left_at = `+s.d.Zero, authID, id, at); err != nil {
				return err
			}
		}
		for _, id := range left {
			if _, err := db.Exec(ctx, `UPDATE auth_advertisers SET status = 'left', left_at = `+p(1)+`
				WHERE authorization_id = `+p(2)+` AND advertiser_id = `+p(3), at, authID, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("set advertisers of authorization %d: %w", authID, err)
	}
	return added, left, nil
}

// AuthAdvertisers implements store.Authorizations.
func (s *Common) AuthAdvertisers(ctx context.Context, authID int64) ([]store.Covered, error) {
	p := s.d.Param
	rows, err := s.read.Query(ctx, `SELECT v.authorization_id, v.advertiser_id, v.status, v.first_seen,
		v.left_at, a.status, a.last_error FROM auth_advertisers v JOIN authorizations a ON a.id = v.authorization_id
		WHERE `+p(1)+` = 0 OR v.authorization_id = `+p(1)+` ORDER BY v.authorization_id, v.advertiser_id`, authID)
	if err != nil {
		return nil, fmt.Errorf("advertisers of authorization %d: %w", authID, err)
	}
	out, err := collect(rows, func(r Row, v *store.Covered) error {
		return r.Scan(&v.AuthorizationID, &v.AdvertiserID, &v.Status, s.d.ScanTime(&v.FirstSeen),
			s.d.ScanTime(&v.LeftAt), &v.AuthStatus, &v.AuthError)
	})
	if err != nil {
		return nil, fmt.Errorf("advertisers of authorization %d: %w", authID, err)
	}
	return out, nil
}

// ClaimRefresh implements store.Authorizations. The lease is taken in one
// UPDATE: of instances claiming at once, the row lock lets one win.
func (s *Common) ClaimRefresh(ctx context.Context, c store.RefreshClaim) (store.Authorization, error) {
	if c.Owner == "" || c.Lease <= 0 {
		return store.Authorization{}, errors.New("claim refresh: owner and a positive lease are required")
	}
	p := s.d.Param
	var a store.Authorization
	err := s.tx(ctx)(func(db DB) error {
		n, err := db.Exec(ctx, `UPDATE authorizations SET lease_owner = `+p(1)+`, lease_until = `+p(2)+`
			WHERE id = `+p(3)+` AND (lease_until <= `+p(4)+` OR lease_owner = `+p(1)+`)`,
			c.Owner, s.d.Time(c.Now.Add(c.Lease)), c.AuthorizationID, s.d.Time(c.Now))
		if err != nil {
			return err
		}
		a, err = s.ScanAuth(db.QueryRow(ctx, SelectAuthSQL+` WHERE id = `+p(1), c.AuthorizationID))
		if errors.Is(err, s.d.NoRows) {
			return store.ErrNotFound
		} else if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrLeased
		}
		return nil
	})
	if err != nil {
		return store.Authorization{}, fmt.Errorf("claim refresh of authorization %d: %w", c.AuthorizationID, err)
	}
	return a, nil
}

// ReplaceTokens implements store.Authorizations, durably (see SetDurable).
func (s *Common) ReplaceTokens(ctx context.Context, authID int64, owner string, t store.AuthTokens, now time.Time) error {
	access, refresh, err := store.SealTokens(s.keys, t)
	if err != nil {
		return fmt.Errorf("replace tokens of authorization %d: %w", authID, err)
	}
	p := s.d.Param
	err = s.durable(ctx)(func(db DB) error {
		n, err := db.Exec(ctx, `UPDATE authorizations SET access_token = `+p(1)+`, refresh_token = `+p(2)+`,
			access_expires_at = `+p(3)+`, refresh_expires_at = `+p(4)+`, status = 'ok', last_error = '',
			updated_at = `+p(5)+`, lease_owner = '', lease_until = `+s.d.Zero+` WHERE id = `+p(6)+
			` AND lease_owner = `+p(7), access, refresh, s.d.Time(t.AccessExpiresAt), s.d.Time(t.RefreshExpiresAt),
			s.d.Time(now), authID, owner)
		if err == nil && n == 0 {
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
// status is read and changed (Dialect.ForUpdate where the write transaction
// alone does not), so one caller sees it change.
func (s *Common) FailRefresh(ctx context.Context, authID int64, owner, msg string, reauth bool, now time.Time) (bool, error) {
	p := s.d.Param
	var first bool
	err := s.tx(ctx)(func(db DB) error {
		var status, leaseOwner string
		err := db.QueryRow(ctx, `SELECT status, lease_owner FROM authorizations WHERE id = `+p(1)+s.d.ForUpdate, authID).
			Scan(&status, &leaseOwner)
		if errors.Is(err, s.d.NoRows) {
			return store.ErrNotFound
		} else if err != nil {
			return err
		}
		if status, first, err = store.RefreshFailed(status, leaseOwner, owner, reauth); err != nil {
			return err
		}
		_, err = db.Exec(ctx, `UPDATE authorizations SET status = `+p(1)+`, last_error = `+p(2)+`, updated_at = `+
			p(3)+`, lease_owner = '', lease_until = `+s.d.Zero+` WHERE id = `+p(4), status, msg, s.d.Time(now), authID)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("fail refresh of authorization %d: %w", authID, err)
	}
	return first, nil
}
