package onboard

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/store"
)

// StateStore keeps the single-use states of authorize links.
type StateStore interface {
	CreateOAuthState(ctx context.Context, s store.OAuthState) error
}

// NewAuthLink makes an authorize URL with authorize (fetch.Config's
// AuthorizeURL) around a fresh random state kept in st, single-use and
// valid store.OAuthStateTTL from now, and returns the URL and when it
// expires. `cluebot auth url` and the console's onboarding link both make
// theirs here, so the callback takes either.
func NewAuthLink(ctx context.Context, st StateStore, authorize func(state string, agent bool) (string, error),
	agent bool, now time.Time) (string, time.Time, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", time.Time{}, fmt.Errorf("auth url: %w", err)
	}
	state := hex.EncodeToString(b)
	u, err := authorize(state, agent)
	if err != nil {
		return "", time.Time{}, err
	}
	s, err := store.NewOAuthState(store.OAuthState{State: state, Agent: agent}, now)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth url: %w", err)
	}
	if err := st.CreateOAuthState(ctx, s); err != nil {
		return "", time.Time{}, fmt.Errorf("auth url: %w", err)
	}
	return u, s.ExpiresAt, nil
}
