package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

const (
	testCode     = "CODE-abcdef-0001"
	testAgencyAT = "AGENCY-AT-9999"
)

// vendor is an httptest server answering one path with answer; it records
// every request body, decoded.
type vendor struct {
	mu     sync.Mutex
	bodies []map[string]any
	paths  []string
	tokens []string // the access-token headers
}

func (v *vendor) calls() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.bodies)
}

// startVendor serves answer (status, body) for each request; n counts from 1.
func startVendor(t *testing.T, answer func(n int, body map[string]any) (int, string)) (*vendor, *Client, *syncBuffer) {
	t.Helper()
	v := &vendor{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		_ = d.Decode(&body)
		v.mu.Lock()
		v.bodies = append(v.bodies, body)
		v.paths = append(v.paths, r.URL.Path)
		v.tokens = append(v.tokens, r.Header.Get("Access-Token"))
		n := len(v.bodies)
		v.mu.Unlock()
		status, resp := answer(n, body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, resp)
	}))
	t.Cleanup(hs.Close)
	cfg := testConfig()
	cfg.BaseURL = hs.URL
	logs := &syncBuffer{}
	return v, NewClient(cfg, nil, slog.New(slog.NewJSONHandler(logs, nil))), logs
}

// requireNoCredential fails when text holds the app secret, the code or a token.
func requireNoCredential(t *testing.T, text string) {
	t.Helper()
	for _, s := range []string{"APP-SECRET-zzzz", testCode, testAgencyAT, "AT-new-1", "RT-new-1"} {
		require.NotContains(t, text, s)
	}
}

func TestExchangeCode(t *testing.T) {
	grantJSON := `{"code":0,"message":"OK","request_id":"rid-x","data":{"access_token":"AT-new-1",
		"access_token_expires_in":86400,"refresh_token":"RT-new-1","refresh_token_expires_in":2592000,
		"advertiser_id":9000001,"advertiser_ids":[9000002,"9000003",0,"x"],"user_id":1234567890123456789012,
		"approval_type":2}}`
	cases := []struct {
		name      string
		answers   []string // one per call; the last repeats
		status    int
		wantCalls int
		wantErr   string
		wantAuth  bool
	}{
		{"agency grant", []string{grantJSON}, 200, 1, "", false},
		{"5xx then grant", []string{`{"code":500,"message":"系统内部错误"}`, grantJSON}, 0, 2, "", false},
		{"code refused", []string{`{"code":400102,"message":"auth_code 无效或已过期 CODE-abcdef-0001","request_id":"rid-c"}`}, 200, 1,
			`exchange code: code exchange: http 200: code 400102: "auth_code 无效或已过期 <redacted>" (request_id rid-c)`, true},
		{"wrong secret", []string{`{"code":400100,"message":"app 校验失败","request_id":"rid-s"}`}, 200, 1,
			`code 400100: "app 校验失败"`, false},
		{"no access token", []string{`{"code":0,"message":"OK","data":{"refresh_token":"RT-new-1"}}`}, 200, 1,
			"response carries no access_token", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, c, logs := startVendor(t, func(n int, _ map[string]any) (int, string) {
				body := tc.answers[min(n, len(tc.answers))-1]
				if tc.status == 0 && n == 1 {
					return 500, body
				}
				return 200, body
			})
			g, err := c.ExchangeCode(context.Background(), testCode)
			require.Equal(t, tc.wantCalls, v.calls())
			require.Equal(t, exchangePath, v.paths[0])
			require.Equal(t, map[string]any{"app_id": json.Number("7"), "secret": "APP-SECRET-zzzz",
				"auth_code": testCode}, v.bodies[0])
			requireNoCredential(t, logs.String())
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				require.Equal(t, tc.wantAuth, IsAuth(err))
				require.False(t, IsRetryable(err))
				requireNoCredential(t, err.Error())
				return
			}
			require.NoError(t, err)
			require.Equal(t, "AT-new-1", g.AccessToken.Reveal())
			require.Equal(t, "RT-new-1", g.RefreshToken.Reveal())
			require.Equal(t, int64(9000001), g.AdvertiserID)
			require.Equal(t, []int64{9000002, 9000003}, g.AdvertiserIDs)
			require.Equal(t, "1234567890123456789012", g.UserID)
			require.Equal(t, "2", g.ApprovalType)
			require.Equal(t, 86400.0, g.AccessExpiresIn.Seconds())
			requireNoCredential(t, fmt.Sprintf("%v %+v", g, *g))
		})
	}
}

func TestExchangeCodeNeedsAppAndCode(t *testing.T) {
	c := NewClient(&Config{BaseURL: "http://127.0.0.1:1"}, nil, nil)
	_, err := c.ExchangeCode(context.Background(), testCode)
	require.EqualError(t, err, "exchange code: app_id, secret and a code are required")
	_, err = NewClient(testConfig(), nil, nil).ExchangeCode(context.Background(), "")
	require.Error(t, err)
}

func TestAuthorizeURL(t *testing.T) {
	base := func() *Config {
		return &Config{AppID: 165900, OAuth: OAuthConfig{AuthorizeURL: DefaultAuthorizeURL,
			RedirectURL: "https://cluebot.example.com/oauth/kuaishou/callback"}}
	}
	cases := []struct {
		name    string
		edit    func(c *Config)
		agent   bool
		want    url.Values
		wantErr string
	}{
		{"agency", func(*Config) {}, true, url.Values{"app_id": {"165900"}, "state": {"st-1"}, "oauth_type": {"agent"},
			"redirect_uri": {"https://cluebot.example.com/oauth/kuaishou/callback"}}, ""},
		{"one advertiser", func(*Config) {}, false, url.Values{"app_id": {"165900"}, "state": {"st-1"},
			"redirect_uri": {"https://cluebot.example.com/oauth/kuaishou/callback"}}, ""},
		{"scope as a JSON array, query kept", func(c *Config) {
			c.OAuth.Scope = []string{"ad_query", "ad_manage"}
			c.OAuth.AuthorizeURL = "http://127.0.0.1:8080/tools/authorize?lang=zh"
		}, true, url.Values{"app_id": {"165900"}, "state": {"st-1"}, "oauth_type": {"agent"}, "lang": {"zh"},
			"scope": {`["ad_query","ad_manage"]`}, "redirect_uri": {"https://cluebot.example.com/oauth/kuaishou/callback"}}, ""},
		{"no redirect", func(c *Config) { c.OAuth.RedirectURL = "" }, true, nil, "kuaishou.oauth.redirect_url: not set"},
		{"no app id", func(c *Config) { c.AppID = 0 }, true, nil, "kuaishou.app_id:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := base()
			tc.edit(c)
			got, err := c.AuthorizeURL("st-1", tc.agent)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			u, err := url.Parse(got)
			require.NoError(t, err)
			want, _ := url.Parse(c.OAuth.AuthorizeURL)
			require.Equal(t, want.Host+want.Path, u.Host+u.Path)
			require.Equal(t, tc.want, u.Query())
		})
	}
	_, err := base().AuthorizeURL("", true)
	require.Error(t, err, "a state is required")
}

func TestOAuthConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    OAuthConfig
		want string
	}{
		{"defaults", OAuthConfig{AuthorizeURL: DefaultAuthorizeURL}, ""},
		{"bad authorize url", OAuthConfig{AuthorizeURL: "developers.e.kuaishou.com"}, "kuaishou.oauth.authorize_url:"},
		{"bad redirect", OAuthConfig{AuthorizeURL: DefaultAuthorizeURL, RedirectURL: "/cb"}, "kuaishou.oauth.redirect_url:"},
		{"empty scope", OAuthConfig{AuthorizeURL: DefaultAuthorizeURL, Scope: []string{"a", " "}}, "kuaishou.oauth.scope.1:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.o.Validate()
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.want)
		})
	}
}
