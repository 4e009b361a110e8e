package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/cluebot/cluebot/secret"
)

// Resealer rewrites tokens at rest: a backend's half of key rotation.
type Resealer interface {
	// ResealTokens calls fn with every stored token value, of accounts and
	// of authorizations, in one transaction, and stores what fn returns
	// where it differs. It returns how many rows changed; an error of fn
	// (which names no token) fails the whole and changes nothing.
	ResealTokens(ctx context.Context, fn func(stored string) (string, error)) (int, error)
}

// ErrNoKeys is returned by Reseal when no key is configured.
var ErrNoKeys = errors.New("no key to seal with: set " + secret.KeyEnv + " or store.key_file")

// Reseal seals every stored token with ring's first key: tokens stored in
// clear, and with plainOnly false also those sealed with another key of the
// ring (the rotation step). It returns how many rows it sealed again. A
// token sealed with a key the ring lacks fails it, naming the row.
func Reseal(ctx context.Context, st Resealer, ring *secret.Ring, plainOnly bool) (int, error) {
	if !ring.Enabled() {
		return 0, ErrNoKeys
	}
	n, err := st.ResealTokens(ctx, func(stored string) (string, error) {
		if !ring.Stale(stored, plainOnly) {
			return stored, nil
		}
		return ring.Reseal(stored)
	})
	if err != nil {
		return 0, fmt.Errorf("reseal tokens: %w", err)
	}
	return n, nil
}

// StoredPair is a row's two token values, as stored, during a reseal.
type StoredPair struct {
	What            string // "token 123" or "authorization 4": for errors
	Key             int64
	Access, Refresh string
}

// ResealPairs applies fn to rows' token values and returns the rows whose
// values changed, with the new values; a backend's ResealTokens stores
// them. Errors name the row, never a token.
func ResealPairs(rows []StoredPair, fn func(string) (string, error)) ([]StoredPair, error) {
	var changed []StoredPair
	for _, r := range rows {
		a, err := fn(r.Access)
		if err != nil {
			return nil, fmt.Errorf("%s: access token: %w", r.What, err)
		}
		f, err := fn(r.Refresh)
		if err != nil {
			return nil, fmt.Errorf("%s: refresh token: %w", r.What, err)
		}
		if a != r.Access || f != r.Refresh {
			changed = append(changed, StoredPair{What: r.What, Key: r.Key, Access: a, Refresh: f})
		}
	}
	return changed, nil
}

// TokenTable is a table that holds a token pair per row: its key column and
// what a row is called in errors.
type TokenTable struct{ Table, Key, What string }

// TokenTables are the tables a backend's ResealTokens rewrites: the
// accounts' tokens and the authorizations'.
var TokenTables = []TokenTable{
	{"tokens", "advertiser_id", "token"},
	{"authorizations", "id", "authorization"},
}
