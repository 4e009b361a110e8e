package fetch_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/store"
)

func TestMergeAccounts(t *testing.T) {
	yaml := []fetch.Account{{AdvertiserID: 1, Name: "a", AccessToken: "t1"}}
	cov := func(auth, id int64, status, authStatus string) store.Covered {
		return store.Covered{AuthorizationID: auth, AdvertiserID: id, Status: status, AuthStatus: authStatus}
	}
	cases := []struct {
		name    string
		covered []store.Covered
		want    []fetch.Account
	}{
		{"config alone", nil, yaml},
		{"an active advertiser is added", []store.Covered{cov(7, 2, store.AdvertiserActive, store.AuthOK)},
			append(yaml[:1:1], fetch.Account{AdvertiserID: 2, AuthorizationID: 7})},
		{"the YAML token wins", []store.Covered{cov(7, 1, store.AdvertiserActive, store.AuthOK)}, yaml},
		{"one that left is not pulled", []store.Covered{cov(7, 2, store.AdvertiserLeft, store.AuthOK)}, yaml},
		{"needs-reauth is not pulled", []store.Covered{cov(7, 2, store.AdvertiserActive, store.AuthNeedsReauth)}, yaml},
		{"under two authorizations: the first", []store.Covered{cov(7, 2, store.AdvertiserActive, store.AuthOK),
			cov(8, 2, store.AdvertiserActive, store.AuthOK)},
			append(yaml[:1:1], fetch.Account{AdvertiserID: 2, AuthorizationID: 7})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, fetch.MergeAccounts(yaml, tc.covered))
		})
	}
}
