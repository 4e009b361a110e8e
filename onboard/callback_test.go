package onboard_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
)

// TestFailedExchangeKeepsTheState: a code the vendor refuses answers 502
// and stores nothing, but leaves the link usable: approving again from it
// works, once; after that the state is used up.
func TestFailedExchangeKeepsTheState(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, open(t), 4)
			ctx := context.Background()
			u, err := r.o.AuthURL(ctx, true)
			require.NoError(t, err)
			parsed, err := url.Parse(u)
			require.NoError(t, err)
			state := parsed.Query().Get("state")
			callback := func(code string) (int, string) {
				return browse(t, r.callback.URL+fetch.CallbackPath+"?"+url.Values{
					"auth_code": {code}, "state": {state}}.Encode())
			}

			status, body := callback("bogus-code")
			require.Equal(t, http.StatusBadGateway, status, body)
			auths, err := r.st.Authorizations(ctx)
			require.NoError(t, err)
			require.Empty(t, auths)

			r.sim.AddAgencyAuthCode("good-code", agency)
			status, body = callback("good-code")
			require.Equal(t, http.StatusOK, status, body)
			require.Contains(t, body, "已授权 4 个广告主")

			r.sim.AddAgencyAuthCode("third-code", agency)
			status, _ = callback("third-code")
			require.Equal(t, http.StatusBadRequest, status, "used up after a success")
		})
	}
}
