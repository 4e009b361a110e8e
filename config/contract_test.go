package config

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestContractExample: the contract's own example of cluebot.yaml is
// valid. It lists a refresh token beside app_id 0, which turns refreshing
// off: that is worth a warning, not a refusal.
func TestContractExample(t *testing.T) {
	data, err := os.ReadFile("testdata/contract.yaml")
	require.NoError(t, err)
	env := map[string]string{"KS_APP_SECRET": "s3cret", "KS_TOKEN": "access", "KS_REFRESH": "refresh"}
	cfg, err := Parse("cluebot.yaml", data, lookupFrom(env), nil)
	require.NoError(t, err)
	require.Equal(t, int64(20006545), cfg.Kuaishou.Accounts[0].AdvertiserID)
	require.Equal(t, "refresh", cfg.Kuaishou.Accounts[0].RefreshToken.Reveal())
	require.Equal(t, []string{"cluebot.yaml:19: warning: kuaishou.accounts.0.refresh_token: not used while kuaishou.app_id or " +
		"kuaishou.secret is unset: the access token is never refreshed and fails once it expires"}, cfg.Warnings())

	// A refresh token alone cannot get an access token without the app.
	text := strings.Replace(string(data), "      access_token: ${KS_TOKEN}\n", "", 1)
	_, err = Parse("cluebot.yaml", []byte(text), lookupFrom(env), nil)
	require.EqualError(t, err, "cluebot.yaml:16: kuaishou.accounts.0.access_token: must be set: "+
		"a refresh token alone needs kuaishou.app_id and kuaishou.secret")
}
