package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
)

// SyncState returns the sync state of an advertiser account, or an error
// wrapping store.ErrNotFound.
func (s *Common) SyncState(ctx context.Context, advertiserID int64) (store.SyncState, error) {
	st := store.SyncState{AdvertiserID: advertiserID}
	err := s.read.QueryRow(ctx, `SELECT synced_to, last_run_at, last_success_at, last_error
		FROM sync_state WHERE advertiser_id = `+s.d.Param(1), advertiserID).
		Scan(s.d.ScanTime(&st.SyncedTo), s.d.ScanTime(&st.LastRunAt), s.d.ScanTime(&st.LastSuccessAt), &st.LastError)
	if errors.Is(err, s.d.NoRows) {
		return store.SyncState{}, fmt.Errorf("sync state %d: %w", advertiserID, store.ErrNotFound)
	}
	if err != nil {
		return store.SyncState{}, fmt.Errorf("sync state %d: %w", advertiserID, err)
	}
	return st, nil
}

// SaveSyncState creates or replaces the sync state of st.AdvertiserID.
func (s *Common) SaveSyncState(ctx context.Context, st store.SyncState) error {
	p := s.d.Param
	_, err := s.write.Exec(ctx, `INSERT INTO sync_state
		(advertiser_id, synced_to, last_run_at, last_success_at, last_error) VALUES (`+p(1)+`, `+p(2)+`, `+
		p(3)+`, `+p(4)+`, `+p(5)+`)
		ON CONFLICT (advertiser_id) DO UPDATE SET synced_to = excluded.synced_to,
			last_run_at = excluded.last_run_at, last_success_at = excluded.last_success_at,
			last_error = excluded.last_error`,
		st.AdvertiserID, s.d.Time(st.SyncedTo), s.d.Time(st.LastRunAt), s.d.Time(st.LastSuccessAt), st.LastError)
	if err != nil {
		return fmt.Errorf("save sync state %d: %w", st.AdvertiserID, err)
	}
	return nil
}

// Token returns the stored token of an advertiser account, or an error
// wrapping store.ErrNotFound.
func (s *Common) Token(ctx context.Context, advertiserID int64) (store.Token, error) {
	t := store.Token{AdvertiserID: advertiserID}
	var access, refresh string
	err := s.read.QueryRow(ctx, `SELECT access_token, refresh_token, access_expires_at,
		refresh_expires_at, seed, updated_at FROM tokens WHERE advertiser_id = `+s.d.Param(1), advertiserID).
		Scan(&access, &refresh, s.d.ScanTime(&t.AccessExpiresAt), s.d.ScanTime(&t.RefreshExpiresAt), &t.Seed,
			s.d.ScanTime(&t.UpdatedAt))
	if errors.Is(err, s.d.NoRows) {
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

// WriteToken creates or replaces the token of t.AdvertiserID, sealed with
// keys. The backend makes the write durable before it returns.
func (d *Dialect) WriteToken(ctx context.Context, db DB, keys *secret.Ring, t store.Token) error {
	access, refresh, err := store.SealTokens(keys, store.AuthTokens{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken})
	if err != nil {
		return err
	}
	p := d.Param
	_, err = db.Exec(ctx, `INSERT INTO tokens (advertiser_id, access_token, refresh_token,
		access_expires_at, refresh_expires_at, seed, updated_at) VALUES (`+p(1)+`, `+p(2)+`, `+p(3)+`, `+
		p(4)+`, `+p(5)+`, `+p(6)+`, `+p(7)+`)
		ON CONFLICT (advertiser_id) DO UPDATE SET access_token = excluded.access_token,
			refresh_token = excluded.refresh_token, access_expires_at = excluded.access_expires_at,
			refresh_expires_at = excluded.refresh_expires_at, seed = excluded.seed,
			updated_at = excluded.updated_at`,
		t.AdvertiserID, access, refresh, d.Time(t.AccessExpiresAt),
		d.Time(t.RefreshExpiresAt), t.Seed, d.Time(t.UpdatedAt))
	return err
}
