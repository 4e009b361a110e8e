package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/cluebot/cluebot/store"
)

// SyncState returns the sync state of an advertiser account, or an error
// wrapping store.ErrNotFound.
func (s *Store) SyncState(ctx context.Context, advertiserID int64) (store.SyncState, error) {
	st := store.SyncState{AdvertiserID: advertiserID}
	var syncedTo, lastRun, lastSuccess int64
	err := s.read.QueryRowContext(ctx, `SELECT synced_to, last_run_at, last_success_at, last_error
		FROM sync_state WHERE advertiser_id = ?`, advertiserID).Scan(&syncedTo, &lastRun, &lastSuccess, &st.LastError)
	if errors.Is(err, sql.ErrNoRows) {
		return store.SyncState{}, fmt.Errorf("sync state %d: %w", advertiserID, store.ErrNotFound)
	}
	if err != nil {
		return store.SyncState{}, fmt.Errorf("sync state %d: %w", advertiserID, err)
	}
	st.SyncedTo, st.LastRunAt, st.LastSuccessAt = fromMillis(syncedTo), fromMillis(lastRun), fromMillis(lastSuccess)
	return st, nil
}

// SaveSyncState creates or replaces the sync state of st.AdvertiserID.
func (s *Store) SaveSyncState(ctx context.Context, st store.SyncState) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO sync_state
		(advertiser_id, synced_to, last_run_at, last_success_at, last_error) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (advertiser_id) DO UPDATE SET synced_to = excluded.synced_to,
			last_run_at = excluded.last_run_at, last_success_at = excluded.last_success_at,
			last_error = excluded.last_error`,
		st.AdvertiserID, toMillis(st.SyncedTo), toMillis(st.LastRunAt), toMillis(st.LastSuccessAt), st.LastError)
	s.wrote(ctx, err)
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
	var accessExp, refreshExp, updated int64
	err := s.read.QueryRowContext(ctx, `SELECT access_token, refresh_token, access_expires_at,
		refresh_expires_at, seed, updated_at FROM tokens WHERE advertiser_id = ?`, advertiserID).
		Scan(&access, &refresh, &accessExp, &refreshExp, &t.Seed, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Token{}, fmt.Errorf("token %d: %w", advertiserID, store.ErrNotFound)
	}
	if err != nil {
		return store.Token{}, fmt.Errorf("token %d: %w", advertiserID, err)
	}
	if t.AccessToken, t.RefreshToken, err = store.OpenTokens(s.keys, fmt.Sprintf("token %d", advertiserID), access, refresh); err != nil {
		return store.Token{}, err
	}
	t.AccessExpiresAt, t.RefreshExpiresAt, t.UpdatedAt = fromMillis(accessExp), fromMillis(refreshExp), fromMillis(updated)
	return t, nil
}

// SaveToken creates or replaces the token of t.AdvertiserID, as given. A
// refresh token is single-use, so unlike other writes this one is synced to
// disk before SaveToken returns (synchronous=FULL for its transaction): a
// power cut right after it cannot bring back the already rotated pair.
func (s *Store) SaveToken(ctx context.Context, t store.Token) error {
	err := s.saveToken(ctx, t)
	s.wrote(ctx, err) // once the write connection is back in the pool
	return err
}

func (s *Store) saveToken(ctx context.Context, t store.Token) error {
	access, refresh, err := store.SealTokens(s.keys, store.AuthTokens{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken})
	if err != nil {
		return fmt.Errorf("save token %d: %w", t.AdvertiserID, err)
	}
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("save token %d: %w", t.AdvertiserID, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA synchronous = FULL`); err != nil {
		return fmt.Errorf("save token %d: %w", t.AdvertiserID, err)
	}
	defer func() {
		// The token is saved either way; a connection left at FULL is only
		// slower, so this is worth a warning, not a failed save.
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA synchronous = NORMAL`); err != nil {
			s.log.Warn("store: restore synchronous=NORMAL after saving a token", "err", err)
		}
	}()
	_, err = conn.ExecContext(ctx, `INSERT INTO tokens (advertiser_id, access_token, refresh_token,
		access_expires_at, refresh_expires_at, seed, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (advertiser_id) DO UPDATE SET access_token = excluded.access_token,
			refresh_token = excluded.refresh_token, access_expires_at = excluded.access_expires_at,
			refresh_expires_at = excluded.refresh_expires_at, seed = excluded.seed,
			updated_at = excluded.updated_at`,
		t.AdvertiserID, access, refresh, toMillis(t.AccessExpiresAt),
		toMillis(t.RefreshExpiresAt), t.Seed, toMillis(t.UpdatedAt))
	if err != nil {
		return fmt.Errorf("save token %d: %w", t.AdvertiserID, err)
	}
	return nil
}
