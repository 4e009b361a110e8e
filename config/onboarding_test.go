package config

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
)

// TestOnboardingKeys reads the agency onboarding and follow-up keys, with
// their defaults, and the environment overrides of them.
func TestOnboardingKeys(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte("{}"), lookupFrom(nil), nil)
	require.NoError(t, err)
	k := cfg.Kuaishou
	require.Equal(t, fetch.DefaultAuthorizeURL, k.OAuth.AuthorizeURL)
	require.Empty(t, k.OAuth.RedirectURL)
	require.Empty(t, k.OAuth.Scope)
	require.Equal(t, time.Hour, k.DiscoverInterval)
	require.Equal(t, 72*time.Hour, k.SilentAfter)
	require.False(t, k.WriteBack)
	require.Empty(t, k.AccountNames)
	require.Empty(t, cfg.OpsReceivers)

	text := "receivers:\n" +
		"  ops: {type: webhook, url: \"http://127.0.0.1:9/ops\"}\n" +
		"ops_receivers: [ops]\n" +
		"kuaishou:\n" +
		"  oauth:\n" +
		"    authorize_url: http://127.0.0.1:8080/tools/authorize\n" +
		"    redirect_url: https://cluebot.example.com/oauth/kuaishou/callback\n" +
		"    scope: [ad_query, ad_manage]\n" +
		"  discover_interval: 10m\n" +
		"  silent_after: 0\n" +
		"  write_back: true\n" +
		"  account_names:\n" +
		"    20006545: 郑州宝马\n" +
		"    \"20006546\": 洛阳奥迪\n"
	cfg, err = Parse("c.yaml", []byte(text), lookupFrom(nil), []string{"CLUEBOT_KUAISHOU__SILENT_AFTER=4d"})
	require.NoError(t, err)
	k = cfg.Kuaishou
	require.Equal(t, fetch.OAuthConfig{AuthorizeURL: "http://127.0.0.1:8080/tools/authorize",
		RedirectURL: "https://cluebot.example.com/oauth/kuaishou/callback", Scope: []string{"ad_query", "ad_manage"}}, k.OAuth)
	require.Equal(t, 10*time.Minute, k.DiscoverInterval)
	require.Equal(t, 96*time.Hour, k.SilentAfter, "the environment overrides the file")
	require.True(t, k.WriteBack)
	require.Equal(t, map[int64]string{20006545: "郑州宝马", 20006546: "洛阳奥迪"}, k.AccountNames)
	require.Equal(t, []string{"ops"}, cfg.OpsReceivers)

	cfg, err = Parse("c.yaml", []byte("kuaishou: {silent_after: 0}\n"), lookupFrom(nil), nil)
	require.NoError(t, err)
	require.Zero(t, cfg.Kuaishou.SilentAfter, "0 turns it off")
}

func TestOnboardingKeysErrors(t *testing.T) {
	base, err := os.ReadFile("testdata/full.yaml")
	require.NoError(t, err)
	const after = "  qps: 5\n"
	cases := []struct {
		name, add string
		want      []string
	}{
		{"unknown oauth key", "  oauth: {redirect: x}\n", []string{"c.yaml:14: kuaishou.oauth.redirect: unknown key"}},
		{"bad authorize url", "  oauth:\n    authorize_url: developers.e.kuaishou.com\n",
			[]string{"c.yaml:15: kuaishou.oauth.authorize_url: \"developers.e.kuaishou.com\" is not an http(s) URL"}},
		{"bad redirect url", "  oauth:\n    redirect_url: /oauth/kuaishou/callback\n",
			[]string{"c.yaml:15: kuaishou.oauth.redirect_url:"}},
		{"scope not a list", "  oauth: {scope: {a: 1}}\n", []string{"c.yaml:14: kuaishou.oauth.scope: want a list, not a mapping"}},
		{"discover too often", "  discover_interval: 500ms\n", []string{"c.yaml:14: kuaishou.discover_interval: 500ms is shorter than 1s"}},
		{"discover without unit", "  discover_interval: 60\n", []string{"c.yaml:14: kuaishou.discover_interval: invalid duration 60"}},
		{"silent negative", "  silent_after: -1h\n", []string{"c.yaml:14: kuaishou.silent_after: must not be negative"}},
		{"silent too short", "  silent_after: 5m\n", []string{"c.yaml:14: kuaishou.silent_after: 5m0s is shorter than 1h"}},
		{"write_back not a bool", "  write_back: maybe\n", []string{"c.yaml:14: kuaishou.write_back: want true or false"}},
		{"account name key not an id", "  account_names:\n    shop: 郑州宝马\n",
			[]string{"c.yaml:15: kuaishou.account_names.shop: want a whole number, not \"shop\""}},
		{"account name key not positive", "  account_names:\n    -3: 郑州宝马\n",
			[]string{"c.yaml:15: kuaishou.account_names.-3: must be a positive advertiser id"}},
		{"account name empty", "  account_names:\n    20006545: \"\"\n",
			[]string{"c.yaml:15: kuaishou.account_names.20006545: the name must not be empty"}},
		{"account names a list", "  account_names: [20006545]\n",
			[]string{"c.yaml:14: kuaishou.account_names: want a mapping, not a list"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text := strings.Replace(string(base), after, after+tc.add, 1)
			_, err := Parse("c.yaml", []byte(text), lookupFrom(testEnv), nil)
			require.Error(t, err)
			require.True(t, IsInvalid(err))
			for _, w := range tc.want {
				require.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestOpsReceivers(t *testing.T) {
	text := "receivers:\n" +
		"  ops: {type: webhook, url: \"http://127.0.0.1:9/ops\"}\n" +
		"ops_receivers:\n" +
		"  - ops\n" +
		"  - pager\n"
	_, err := Parse("c.yaml", []byte(text), lookupFrom(nil), nil)
	require.EqualError(t, err, `c.yaml:5: ops_receivers.1: unknown receiver "pager"`)

	_, err = Parse("c.yaml", []byte("ops_receivers: ops\n"), lookupFrom(nil), nil)
	require.EqualError(t, err, `c.yaml:1: ops_receivers.0: unknown receiver "ops"`,
		"a single name reads as a list of one, like the other lists")
}

// TestRedirectURLResolution derives the OAuth redirect target from
// console.base_url when kuaishou.oauth.redirect_url is unset, and keeps an
// explicit one.
func TestRedirectURLResolution(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"neither", "{}", ""},
		{"base url", "console: {base_url: \"https://cb.example.com/\"}\n", "https://cb.example.com/oauth/kuaishou/callback"},
		{"explicit wins", "console: {base_url: \"https://cb.example.com\"}\n" +
			"kuaishou: {oauth: {redirect_url: \"https://other.example.com/cb\"}}\n", "https://other.example.com/cb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse("c.yaml", []byte(tc.text), lookupFrom(nil), nil)
			require.NoError(t, err)
			require.Equal(t, tc.want, cfg.Kuaishou.OAuth.RedirectURL)
		})
	}
}
