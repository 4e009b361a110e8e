package kuaishou

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// refresh posts a refresh_token call.
func refresh(t *testing.T, url string, appID int64, secret, token string) reply {
	t.Helper()
	return call(t, http.DefaultClient, url, RefreshPath, "",
		map[string]any{"app_id": appID, "secret": secret, "refresh_token": token})
}

// tokenData decodes the data of a token answer.
func tokenData(t *testing.T, r reply) TokenData {
	t.Helper()
	require.EqualValues(t, CodeOK, r.Code, r.Message)
	var env struct{ Data TokenData }
	require.NoError(t, json.Unmarshal(r.Body, &env))
	return env.Data
}

func TestAccessTokenExpiry(t *testing.T) {
	cases := []struct {
		name string
		act  func(s *Server, c *fakeClock)
		code int64
	}{
		{"fresh token works", func(*Server, *fakeClock) {}, CodeOK},
		{"just before AccessTTL", func(_ *Server, c *fakeClock) { c.Advance(2*time.Hour - time.Second) }, CodeOK},
		{"at AccessTTL it expires", func(_ *Server, c *fakeClock) { c.Advance(2 * time.Hour) }, CodeTokenExpired},
		{"ExpireAccessToken", func(s *Server, _ *fakeClock) { s.ExpireAccessToken(testAdv) }, CodeTokenExpired},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{t: t0}
			s, hs := startSim(t, Options{AccessTTL: 2 * time.Hour, Now: clock.Now})
			tc.act(s, clock)
			r := list(t, hs.URL, testAccess, map[string]any{})
			require.Equal(t, tc.code, r.Code, r.Message)
			if tc.code == CodeTokenExpired {
				require.Equal(t, MsgTokenExpired, r.Message)
				d := tokenData(t, refresh(t, hs.URL, testAppID, testSecret, testRefresh))
				require.EqualValues(t, CodeOK, list(t, hs.URL, d.AccessToken, map[string]any{}).Code,
					"a refresh revives the account")
			}
		})
	}
}

func TestRefreshRotates(t *testing.T) {
	clock := &fakeClock{t: t0}
	s, hs := startSim(t, Options{Now: clock.Now, Seed: 9})

	d := tokenData(t, refresh(t, hs.URL, testAppID, testSecret, testRefresh))
	require.Regexp(t, `^[0-9a-f]{32}$`, d.AccessToken)
	require.Regexp(t, `^[0-9a-f]{32}$`, d.RefreshToken)
	require.NotEqual(t, d.AccessToken, d.RefreshToken)
	require.EqualValues(t, 24*3600, d.AccessTokenExpiresIn)
	require.EqualValues(t, 720*3600, d.RefreshTokenExpiresIn)
	require.Equal(t, testAdv, d.AdvertiserID)
	require.Equal(t, []int64{testAdv}, d.AdvertiserIDs)
	access, refreshTok, ok := s.Tokens(testAdv)
	require.True(t, ok)
	require.Equal(t, d.AccessToken, access)
	require.Equal(t, d.RefreshToken, refreshTok)

	require.EqualValues(t, CodeOK, list(t, hs.URL, d.AccessToken, map[string]any{}).Code)
	old := list(t, hs.URL, testAccess, map[string]any{})
	require.EqualValues(t, CodeTokenExpired, old.Code, "the replaced access token reads as expired")

	again := refresh(t, hs.URL, testAppID, testSecret, testRefresh)
	require.EqualValues(t, CodeRefreshInvalid, again.Code, "a used refresh token is rejected")
	require.Equal(t, MsgRefreshInvalid, again.Message)

	clock.Advance(23 * time.Hour)
	d2 := tokenData(t, refresh(t, hs.URL, testAppID, testSecret, d.RefreshToken))
	require.NotEqual(t, d.AccessToken, d2.AccessToken)
	require.NotEqual(t, d.RefreshToken, d2.RefreshToken)
	clock.Advance(2 * time.Hour) // past the first token's lifetime, not the second's
	require.EqualValues(t, CodeOK, list(t, hs.URL, d2.AccessToken, map[string]any{}).Code)

	st := s.Stats()
	require.Equal(t, 3, st.RefreshCalls)
	require.Equal(t, 1, st.TokenRejections)
	require.Equal(t, 1, st.AuthRejections)
}

func TestRefreshRefusals(t *testing.T) {
	cases := []struct {
		name    string
		appID   int64
		secret  string
		token   string
		advance time.Duration
		code    int64
		msg     string
	}{
		{"wrong app id", 1, testSecret, testRefresh, 0, CodeAppInvalid, MsgAppInvalid},
		{"wrong secret", testAppID, "guess", testRefresh, 0, CodeAppInvalid, MsgAppInvalid},
		{"unknown refresh token", testAppID, testSecret, "nope", 0, CodeRefreshInvalid, MsgRefreshInvalid},
		{"empty refresh token", testAppID, testSecret, "", 0, CodeRefreshInvalid, MsgRefreshInvalid},
		{"expired refresh token", testAppID, testSecret, testRefresh, 720 * time.Hour, CodeRefreshInvalid, MsgRefreshInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{t: t0}
			s, hs := startSim(t, Options{Now: clock.Now})
			clock.Advance(tc.advance)
			r := refresh(t, hs.URL, tc.appID, tc.secret, tc.token)
			require.Equal(t, tc.code, r.Code)
			require.Equal(t, tc.msg, r.Message)
			access, refreshTok, _ := s.Tokens(testAdv)
			require.Equal(t, testAccess, access, "a refused refresh changes nothing")
			require.Equal(t, testRefresh, refreshTok)
		})
	}
}

func TestExchangeAuthCode(t *testing.T) {
	clock := &fakeClock{t: t0}
	s, hs := startSim(t, Options{Now: clock.Now})
	s.AddAuthCode("code-1", 777)
	s.AddAuthCode("code-2", 777)
	exchange := func(code string) reply {
		return call(t, http.DefaultClient, hs.URL, ExchangePath, "",
			map[string]any{"app_id": testAppID, "secret": testSecret, "auth_code": code})
	}
	d := tokenData(t, exchange("code-1"))
	require.EqualValues(t, 777, d.AdvertiserID)
	require.EqualValues(t, CodeOK, list(t, hs.URL, d.AccessToken, map[string]any{"advertiser_id": 777}).Code)
	require.EqualValues(t, CodeAuthCodeInvalid, exchange("code-1").Code, "auth codes are single use")
	clock.Advance(AuthCodeTTL)
	require.EqualValues(t, CodeAuthCodeInvalid, exchange("code-2").Code, "auth codes expire")
	require.Equal(t, 3, s.Stats().ExchangeCalls)
}

func TestMethodAndPath(t *testing.T) {
	_, hs := startSim(t, Options{})
	resp, err := http.Get(hs.URL + ListPath)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	r := call(t, http.DefaultClient, hs.URL, "/rest/openapi/v1/nope", testAccess, map[string]any{})
	require.Equal(t, http.StatusNotFound, r.Status)
}
