package config

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEnvOverridesReachEveryKey overrides keys the file spells with a dash
// (receivers.henan-sales: a variable name cannot hold one) and keys inside
// a list item (kuaishou.accounts.0), as the key paths in error messages
// name them, without replacing the rest of the receiver or the list.
func TestEnvOverridesReachEveryKey(t *testing.T) {
	data, err := os.ReadFile("testdata/full.yaml")
	require.NoError(t, err)
	cfg, err := Parse("c.yaml", data, lookupFrom(testEnv), []string{
		"CLUEBOT_RECEIVERS__HENAN_SALES__URL=http://127.0.0.1:9/robot/send?access_token=relay",
		"CLUEBOT_RECEIVERS__HENAN_SALES__MASK_PHONE=false",
		"CLUEBOT_KUAISHOU__ACCOUNTS__0__ACCESS_TOKEN=token-from-env",
		"CLUEBOT_KUAISHOU__ACCOUNTS__0__NAME=洛阳宝马",
		"CLUEBOT_OPS_RECEIVERS=managers",
	})
	require.NoError(t, err)
	require.Len(t, cfg.Receivers, 2, "no receiver henan_sales beside henan-sales")
	hs := cfg.Receivers["henan-sales"]
	require.Equal(t, "dingtalk", hs.Type)
	require.Equal(t, "http://127.0.0.1:9/robot/send?access_token=relay", hs.URL.Reveal())
	require.Equal(t, "SECXXX", hs.Secret.Reveal(), "the rest of the receiver stays")
	require.False(t, hs.MasksPhone())
	require.Len(t, cfg.Kuaishou.Accounts, 1)
	acc := cfg.Kuaishou.Accounts[0]
	require.Equal(t, int64(20006545), acc.AdvertiserID, "the rest of the item stays")
	require.Equal(t, "token-from-env", acc.AccessToken.Reveal())
	require.Equal(t, "洛阳宝马", acc.Name)
	require.Equal(t, []string{"managers"}, cfg.OpsReceivers)
}

// TestEnvOverrideProblemsNameTheVariable: an override of a key no section
// declares is an error like the same typo in the file, and every problem
// with an overridden value names the variable it came from, since the
// file's line holds another value. A key the file lacks is placed at its
// section's line.
func TestEnvOverrideProblemsNameTheVariable(t *testing.T) {
	data, err := os.ReadFile("testdata/full.yaml")
	require.NoError(t, err)
	cases := []struct {
		name string
		env  string
		want string
	}{
		{"unknown key", "CLUEBOT_KUAISHOU__QPX=3", "c.yaml:5: kuaishou.qpx: unknown key (set by CLUEBOT_KUAISHOU__QPX)"},
		{"unknown section", "CLUEBOT_KUAISHOO__QPS=3", "c.yaml: kuaishoo: unknown key (set by CLUEBOT_KUAISHOO__QPS)"},
		{"wrong type", "CLUEBOT_KUAISHOU__QPS=abc", `c.yaml:13: kuaishou.qps: want a number, not "abc" (set by CLUEBOT_KUAISHOU__QPS)`},
		{"invalid value", "CLUEBOT_KUAISHOU__PAGE_SIZE=501", "c.yaml:9: kuaishou.page_size: 501 is not within 1..500 (set by CLUEBOT_KUAISHOU__PAGE_SIZE)"},
		{"no such item", "CLUEBOT_KUAISHOU__ACCOUNTS__3__NAME=x", "c.yaml:14: kuaishou.accounts.3: the list has 1 item (set by CLUEBOT_KUAISHOU__ACCOUNTS__3__NAME)"},
		{"not an index", "CLUEBOT_KUAISHOU__ACCOUNTS__FIRST__NAME=x", "c.yaml:14: kuaishou.accounts.first: not an item number of the list (set by CLUEBOT_KUAISHOU__ACCOUNTS__FIRST__NAME)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("c.yaml", data, lookupFrom(testEnv), []string{tc.env})
			require.True(t, IsInvalid(err), "%v", err)
			require.Contains(t, strings.Split(err.Error(), "\n"), tc.want)
		})
	}
}
