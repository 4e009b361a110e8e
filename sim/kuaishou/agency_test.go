package kuaishou

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const testAgency = int64(9000000)

// startAgency starts a simulator with an agency covering n advertisers
// (9000001…) besides the test account.
func startAgency(t *testing.T, opts Options, n int) (*Server, string, *fakeClock) {
	t.Helper()
	clock := &fakeClock{t: t0}
	opts.Now = clock.Now
	s, hs := startSim(t, opts)
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = testAgency + 1 + int64(i)
	}
	s.AddAgency(testAgency, ids...)
	return s, hs.URL, clock
}

// exchangeCode posts a code exchange.
func exchangeCode(t *testing.T, url, code string) reply {
	t.Helper()
	return call(t, http.DefaultClient, url, ExchangePath, "",
		map[string]any{"app_id": testAppID, "secret": testSecret, "auth_code": code})
}

// approvalPage posts one approval-list call.
func approvalPage(t *testing.T, url, token string, page, size int) reply {
	t.Helper()
	return call(t, http.DefaultClient, url, ApprovalPath, "",
		map[string]any{"app_id": testAppID, "secret": testSecret, "access_token": token, "page_no": page, "page_size": size})
}

// approvalIDs returns an approval page's ids as text, and its isEnd.
func approvalIDs(t *testing.T, r reply) ([]string, bool) {
	t.Helper()
	require.EqualValues(t, CodeApprovalOK, r.Code, r.Message)
	var out []string
	for _, v := range r.Data["details"].([]any) {
		switch v := v.(type) {
		case json.Number:
			out = append(out, v.String())
		case string:
			out = append(out, "s:"+v)
		}
	}
	return out, r.Data["isEnd"].(bool)
}

// authorizeAgency walks the authorize page as a browser that does not follow
// the redirect, and returns where it was sent.
func authorizeAgency(t *testing.T, base string, q url.Values) (*http.Response, *url.URL) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(base + AuthorizePath + "?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	return resp, loc
}

func TestAuthorizePageThenExchange(t *testing.T) {
	s, base, clock := startAgency(t, Options{Seed: 3}, 25)
	q := url.Values{"app_id": {"165900000"}, "redirect_uri": {"https://cluebot.test/oauth/kuaishou/callback?x=1"},
		"state": {"st/+1"}, "scope": {`["ad_query"]`}, "oauth_type": {"agent"}}
	resp, loc := authorizeAgency(t, base, q)
	require.Equal(t, http.StatusFound, resp.StatusCode)
	require.Equal(t, "cluebot.test", loc.Host)
	require.Equal(t, "/oauth/kuaishou/callback", loc.Path)
	require.Equal(t, "st/+1", loc.Query().Get("state"))
	require.Equal(t, "1", loc.Query().Get("x"), "the redirect's own query is kept")
	code := loc.Query().Get("auth_code")
	require.Regexp(t, `^[0-9a-f]{32}$`, code)
	visits := s.Authorizations()
	require.Len(t, visits, 1)
	require.Equal(t, code, visits[0].Code)
	require.Equal(t, `["ad_query"]`, visits[0].Query.Get("scope"))

	d := tokenData(t, exchangeCode(t, base, code))
	require.Equal(t, testAgency, d.AdvertiserID, "an agency's grant names its own account")
	require.Len(t, d.AdvertiserIDs, grantListCap, "and only some of its advertisers")
	require.Equal(t, ApprovalAgency, d.ApprovalType)
	require.NotZero(t, d.UserID)
	access, refresh, ok := s.AgencyTokens(testAgency)
	require.True(t, ok)
	require.Equal(t, []string{d.AccessToken, d.RefreshToken}, []string{access, refresh})

	again := exchangeCode(t, base, code)
	require.EqualValues(t, CodeAuthCodeInvalid, again.Code, "a code works once")

	_, loc = authorizeAgency(t, base, q)
	clock.Advance(AuthCodeTTL)
	require.EqualValues(t, CodeAuthCodeInvalid, exchangeCode(t, base, loc.Query().Get("auth_code")).Code,
		"a code lives 10 minutes")

	q.Del("oauth_type")
	s.ApproveAs(false, testAdv)
	_, loc = authorizeAgency(t, base, q)
	d = tokenData(t, exchangeCode(t, base, loc.Query().Get("auth_code")))
	require.Equal(t, testAdv, d.AdvertiserID, "without oauth_type one advertiser authorizes")
	require.Equal(t, []int64{testAdv}, d.AdvertiserIDs)
	require.Equal(t, ApprovalAdvertiser, d.ApprovalType)
	st := s.Stats()
	require.Equal(t, 3, st.AuthorizePages)
	require.Equal(t, 4, st.ExchangeCalls)
}

func TestAuthorizePageRefuses(t *testing.T) {
	_, base, _ := startAgency(t, Options{}, 1)
	good := url.Values{"app_id": {"165900000"}, "redirect_uri": {"http://127.0.0.1:9/cb"}, "state": {"s"}, "oauth_type": {"agent"}}
	for _, tc := range []struct {
		name string
		edit func(q url.Values)
	}{
		{"wrong app", func(q url.Values) { q.Set("app_id", "1") }},
		{"relative redirect", func(q url.Values) { q.Set("redirect_uri", "/cb") }},
		{"no redirect", func(q url.Values) { q.Del("redirect_uri") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := url.Values{}
			for k, v := range good {
				q[k] = v
			}
			tc.edit(q)
			resp, loc := authorizeAgency(t, base, q)
			require.Equal(t, http.StatusBadRequest, resp.StatusCode)
			require.Empty(t, loc.String())
		})
	}
	_, lone := startSim(t, Options{})
	resp, _ := authorizeAgency(t, lone.URL, good)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, "no agency to approve as")
	resp, err := http.Post(base+AuthorizePath, "text/plain", nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

func TestApprovalListPaging(t *testing.T) {
	s, base, clock := startAgency(t, Options{}, 25)
	s.SetAgencyTokens(testAgency, "agency-at", "agency-rt")
	var got []string
	for page := 1; ; page++ {
		ids, end := approvalIDs(t, approvalPage(t, base, "agency-at", page, 10))
		if end {
			require.Empty(t, ids, "isEnd only past the last page")
			require.Equal(t, 4, page)
			break
		}
		require.NotEmpty(t, ids)
		got = append(got, ids...)
	}
	require.Len(t, got, 25)
	require.Equal(t, "9000001", got[0])
	require.Equal(t, "9000025", got[24])

	ids, end := approvalIDs(t, approvalPage(t, base, testAccess, 1, 10))
	require.Equal(t, []string{"20006545"}, ids, "an advertiser's token covers itself")
	require.False(t, end)

	for _, tc := range []struct {
		name  string
		reply reply
		code  int64
	}{
		{"page too large", approvalPage(t, base, "agency-at", 1, 1001), CodeBadRequest},
		{"unknown token", approvalPage(t, base, "nope", 1, 10), CodeTokenInvalid},
		{"wrong secret", call(t, http.DefaultClient, base, ApprovalPath, "",
			map[string]any{"app_id": testAppID, "secret": "x", "access_token": "agency-at"}), CodeAppInvalid},
	} {
		require.Equal(t, tc.code, tc.reply.Code, tc.name)
	}
	clock.Advance(25 * time.Hour)
	require.EqualValues(t, CodeTokenExpired, approvalPage(t, base, "agency-at", 1, 10).Code)
}

func TestApprovalListStringIDs(t *testing.T) {
	s, base, _ := startAgency(t, Options{StringIDs: true}, 3)
	s.AddAgencyAuthCode("code-1", testAgency)
	r := exchangeCode(t, base, "code-1")
	require.EqualValues(t, CodeOK, r.Code)
	require.Equal(t, []any{"9000001", "9000002", "9000003"}, r.Data["advertiser_ids"])
	ids, _ := approvalIDs(t, approvalPage(t, base, r.Data["access_token"].(string), 1, 10))
	require.Equal(t, []string{"s:9000001", "s:9000002", "s:9000003"}, ids)
}
