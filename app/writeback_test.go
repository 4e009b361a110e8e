package app_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/secret"
	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/store"
)

// TestWriteBackTokensOfAuthorizedAdvertisers: a mark on the lead of an
// advertiser that came from an authorization is written with that
// authorization's token, as its pulls are; an advertiser pulled from
// nowhere has none.
func TestWriteBackTokensOfAuthorizedAdvertisers(t *testing.T) {
	s := sim.New(sim.Options{AppID: 1001, Secret: "app-secret", Seed: 5})
	s.AddAccount(30000001, "tok-access-abcdef", "")
	s.AddAgency(19000000, 19000001)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	a := newOpsApp(t, srv.URL, &opsHook{})
	a.Config.Kuaishou.WriteBack = true
	ctx := context.Background()
	id, err := a.Store.PutAuthorization(ctx, store.Authorization{Type: store.AuthAgent, AdvertiserID: 19000000,
		AuthTokens: store.AuthTokens{AccessToken: secret.String("agency-access"), RefreshToken: secret.String("agency-refresh"),
			AccessExpiresAt: time.Now().Add(time.Hour), RefreshExpiresAt: time.Now().Add(24 * time.Hour)}})
	require.NoError(t, err)
	_, _, err = a.Store.SetAdvertisers(ctx, id, []int64{19000001}, time.Now())
	require.NoError(t, err)

	w := a.WriteBack()
	require.NotNil(t, w)
	for _, tc := range []struct {
		name    string
		id      int64
		want    string
		present bool
	}{
		{"configured", 30000001, "tok-access-abcdef", true},
		{"authorized", 19000001, "agency-access", true},
		{"the agency itself", 19000000, "", false},
		{"unknown", 42, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, ok := w.Tokens(tc.id)
			require.Equal(t, tc.present, ok)
			if !ok {
				return
			}
			tok, err := src.Token(ctx)
			require.NoError(t, err)
			require.Equal(t, tc.want, tok)
		})
	}
}
