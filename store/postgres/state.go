package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
)

// SyncState returns the sync state of an advertiser account, or an error
// wrapping store.ErrNotFound.
func (s *Store) SyncState(ctx context.Context, advertiserID int64) (store.SyncState, error) {
	st := store.SyncState{AdvertiserID: advertiserID}
	err := s.pool.QueryRow(ctx, `SELECT synced_to, last_run_at, last_success_at, last_error
		FROM sync_state WHERE advertiser_id = $1`, advertiserID).
		Scan((*stamp)(&st.SyncedTo), (*stamp)(&st.LastRunAt), (*stamp)(&st.LastSuccessAt), &st.LastError)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.SyncState{}, fmt.Errorf("sync state %d: %w", advertiserID, store.ErrNotFound)
	}
	if err != nil {
		return store.SyncState{}, fmt.Errorf("sync state %d: %w", advertiserID, err)
	}
	return st, nil
}

// SaveSyncState creates or replaces the sync state of st.AdvertiserID.
func (s *Store) SaveSyncState(ctx context.Context, st store.SyncState) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO sync_state
		(advertiser_id, synced_to, last_run_at, last_success_at, last_error) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (advertiser_id) DO UPDATE SET synced_to = excluded.synced_to,
			last_run_at = excluded.last_run_at, last_success_at = excluded.last_success_at,
			last_error = excluded.last_error`,
		st.AdvertiserID, stamp(st.SyncedTo), stamp(st.LastRunAt), stamp(st.LastSuccessAt), st.LastError)
	if err != nil {
		return fmt.Errorf("save sync state %d: %w", st.AdvertiserID, err)
	}
	return nil
}

// Token returns the stored token of an advertiser account, or an error
// wrapping store.ErrNotFound.
func (s *Store) Token(ctx context.Context, advertiserID int64) (store.Token, error) {
	t := store.Token{AdvertiserID: advertiserID}
	var access, refresh string
	err := s.pool.QueryRow(ctx, `SELECT access_token, refresh_token, access_expires_at,
		refresh_expires_at, seed, updated_at FROM tokens WHERE advertiser_id = $1`, advertiserID).
		Scan(&access, &refresh, (*stamp)(&t.AccessExpiresAt), (*stamp)(&t.RefreshExpiresAt), &t.Seed,
			(*stamp)(&t.UpdatedAt))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Token{}, fmt.Errorf("token %d: %w", advertiserID, store.ErrNotFound)
	}
	if err != nil {
		return store.Token{}, fmt.Errorf("token %d: %w", advertiserID, err)
	}
	if t.AccessToken, t.RefreshToken, err = store.OpenTokens(s.keys, fmt.Sprintf("token %d", advertiserID), access, refresh); err != nil {
		return store.Token{}, err
	}
	return t, nil
}

// SaveToken creates or replaces the token of t.AdvertiserID, as given. A
// refresh token is single-use, so its transaction commits with
// synchronous_commit on whatever the server's default: once SaveToken
// returns, a crash cannot bring back the already rotated pair.
func (s *Store) SaveToken(ctx context.Context, t store.Token) error {
	access, refresh, err := store.SealTokens(s.keys, store.AuthTokens{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken})
	if err != nil {
		return fmt.Errorf("save token %d: %w", t.AdvertiserID, err)
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = on`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO tokens (advertiser_id, access_token, refresh_token,
			access_expires_at, refresh_expires_at, seed, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (advertiser_id) DO UPDATE SET access_token = excluded.access_token,
				refresh_token = excluded.refresh_token, access_expires_at = excluded.access_expires_at,
				refresh_expires_at = excluded.refresh_expires_at, seed = excluded.seed,
				updated_at = excluded.updated_at`,
			t.AdvertiserID, access, refresh, stamp(t.AccessExpiresAt),
			stamp(t.RefreshExpiresAt), t.Seed, stamp(t.UpdatedAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("save token %d: %w", t.AdvertiserID, err)
	}
	return nil
}
