package onboard_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
)

// TestReauthorizeHealthyAuthorization: authorizing again through the
// browser an authorization whose token the pulls hold (the vendor retires
// that token when it issues the new pair) lists the advertisers with the
// new pair and answers 200 with the count; discovery after it and the
// pulls' token use the new pair too.
func TestReauthorizeHealthyAuthorization(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, open(t), 12)
			ctx := context.Background()
			tokens := fetch.NewTokens(fetch.NewClient(r.o.OAuth, nil, nil), r.st, r.o.OAuth, nil, nil)
			tokens.UseAuthorizations(r.st, "instance-0", nil)
			r.o.Token, r.o.Refresh, r.o.Stored = tokens.AuthToken, tokens.AuthRefresh, tokens.ReloadAuth

			u, err := r.o.AuthURL(ctx, true)
			require.NoError(t, err)
			status, body := browse(t, u)
			require.Equal(t, http.StatusOK, status, body)
			results, err := r.o.Discover(ctx) // the token is now held in memory
			require.NoError(t, err)
			require.Len(t, results, 1)
			old, _, _ := r.sim.AgencyTokens(agency)

			u, err = r.o.AuthURL(ctx, true)
			require.NoError(t, err)
			status, body = browse(t, u)
			require.Equal(t, http.StatusOK, status, body)
			require.Contains(t, body, "已授权 12 个广告主")
			access, _, _ := r.sim.AgencyTokens(agency)
			require.NotEqual(t, old, access, "the vendor issued a new pair")

			held, err := tokens.AuthToken(ctx, results[0].AuthorizationID)
			require.NoError(t, err)
			require.Equal(t, access, held, "the pulls take the new pair")
			results, err = r.o.Discover(ctx)
			require.NoError(t, err)
			require.Equal(t, 12, results[0].Advertisers)
		})
	}
}

// TestDiscoveryTakesANewerStoredPair: an instance whose in-memory token
// was retired by an authorization made elsewhere (auth add --code from
// the CLI) reads the newer stored pair when the vendor refuses the old
// one, without a refresh.
func TestDiscoveryTakesANewerStoredPair(t *testing.T) {
	st := backends(t)["sqlite"](t)
	r := newRig(t, st, 5)
	ctx := context.Background()
	tokens := fetch.NewTokens(fetch.NewClient(r.o.OAuth, nil, nil), st, r.o.OAuth, nil, nil)
	tokens.UseAuthorizations(st, "instance-0", nil)
	r.sim.AddAgencyAuthCode("code-1", agency)
	_, err := r.o.Authorize(ctx, "code-1", true)
	require.NoError(t, err)
	r.o.Token, r.o.Refresh = tokens.AuthToken, tokens.AuthRefresh
	_, err = r.o.Discover(ctx)
	require.NoError(t, err)

	cli := *r.o // another process: no Stored hook reaches this instance
	cli.Token, cli.Refresh = nil, nil
	r.sim.AddAgencyAuthCode("code-2", agency)
	_, err = cli.Authorize(ctx, "code-2", true)
	require.NoError(t, err)
	results, err := r.o.Discover(ctx)
	require.NoError(t, err)
	require.Equal(t, 5, results[0].Advertisers)
	require.Zero(t, r.sim.Stats().RefreshCalls)
}
