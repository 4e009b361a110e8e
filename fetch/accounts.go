package fetch

import (
	"context"
	"fmt"
	"slices"

	"github.com/cluebot/cluebot/store"
)

// AuthAdvertisers lists the advertisers the store's authorizations cover;
// store.Authorizations satisfies it.
type AuthAdvertisers interface {
	AuthAdvertisers(ctx context.Context, authID int64) ([]store.Covered, error)
}

// MergeAccounts is the set of accounts to pull: the configured accounts,
// then every active advertiser of an authorization whose status is ok, by
// id. An advertiser that is also configured is pulled once, with the
// configured token; one covered by two authorizations is pulled with the
// first (lowest id). Advertisers that left, or whose authorization needs
// re-auth, are not pulled; their stored leads stay.
func MergeAccounts(configured []Account, covered []store.Covered) []Account {
	out := slices.Clone(configured)
	seen := make(map[int64]bool, len(configured)+len(covered))
	for _, a := range configured {
		seen[a.AdvertiserID] = true
	}
	for _, c := range covered {
		if c.Status != store.AdvertiserActive || c.AuthStatus != store.AuthOK || seen[c.AdvertiserID] {
			continue
		}
		seen[c.AdvertiserID] = true
		out = append(out, Account{AdvertiserID: c.AdvertiserID, AuthorizationID: c.AuthorizationID})
	}
	return out
}

// Accounts returns the accounts to pull now: the configured ones and, with
// Auths set, those of the store's authorizations (MergeAccounts). It is
// read again every cycle, so advertisers discovered later are pulled from
// then on and those that left stop being pulled.
func (s *Syncer) Accounts(ctx context.Context) ([]Account, error) {
	if s.Auths == nil {
		return s.cfg.Accounts, nil
	}
	covered, err := s.Auths.AuthAdvertisers(ctx, 0)
	if err != nil {
		return s.cfg.Accounts, fmt.Errorf("list the authorizations' advertisers: %w", err)
	}
	accounts := MergeAccounts(s.cfg.Accounts, covered)
	for i := range accounts {
		if accounts[i].Name == "" {
			accounts[i].Name = s.cfg.AccountNames[accounts[i].AdvertiserID]
		}
	}
	return accounts, nil
}
