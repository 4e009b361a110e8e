package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
)

// Keys loads the key ring that seals tokens at rest: the keys in
// CLUEBOT_SECRET_KEY, else in the file store.key_file, else none. A key
// that cannot be read is a config problem.
func Keys(cfg *config.Config) (*secret.Ring, error) {
	r, err := secret.LoadRing(os.Getenv(secret.KeyEnv), cfg.Store.KeyFile)
	if err != nil {
		return nil, &ConfigError{err}
	}
	return r, nil
}

// sealPlaintext seals the tokens a store holds in clear (stored before a key
// was configured), so that every token is sealed once a key is set.
func sealPlaintext(ctx context.Context, st store.Store, keys *secret.Ring, logger *slog.Logger) error {
	if !keys.Enabled() {
		return nil
	}
	n, err := store.Reseal(ctx, st, keys, true)
	if err != nil {
		return err
	}
	if n > 0 && logger != nil {
		logger.Info("sealed tokens stored in clear", "rows", n)
	}
	return nil
}

// RotateKeys seals every stored token with the first key: the middle step
// of a key rotation (new key first in CLUEBOT_SECRET_KEY, rotate, then drop
// the old key). It returns how many rows it sealed again.
func RotateKeys(ctx context.Context, cfg *config.Config, logger *slog.Logger) (int, error) {
	keys, err := Keys(cfg)
	if err != nil {
		return 0, err
	}
	if !keys.Enabled() {
		return 0, &ConfigError{store.ErrNoKeys}
	}
	st, err := OpenStore(ctx, cfg, logger)
	if err != nil {
		return 0, err
	}
	n, err := store.Reseal(ctx, st, keys, false)
	if cerr := st.Close(); err == nil && cerr != nil {
		return 0, fmt.Errorf("close store: %w", cerr)
	}
	return n, err
}
