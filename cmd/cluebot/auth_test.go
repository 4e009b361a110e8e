package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAgencyOnboardingCommands adds an agency's authorization by code next
// to a YAML account, lists it, lists every account in the contract's JSON,
// imports names and refuses a bad names file; no token is printed.
func TestAgencyOnboardingCommands(t *testing.T) {
	const agency = int64(19000000)
	tr := newTrial(t, 0, 1)
	members := make([]int64, 12)
	for i := range members {
		members[i] = 40000001 + int64(i)
	}
	tr.sim.AddAgency(agency, members...)
	var outputs []string
	code, _, errs := tr.run("auth", "url")
	require.Equal(t, 2, code, "no redirect target configured yet")
	require.Contains(t, errs, "kuaishou.oauth.redirect_url: not set")
	f, err := os.OpenFile(tr.cfgPath, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("console:\n  base_url: https://cb.example.com\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())

	code, out, errs := tr.run("auth", "url", "--agent")
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "oauth_type=agent")
	require.Contains(t, out, "redirect_uri=https%3A%2F%2Fcb.example.com%2Foauth%2Fkuaishou%2Fcallback")
	outputs = append(outputs, out, errs)

	tr.sim.AddAgencyAuthCode("code-agency-1", agency)
	code, out, errs = tr.run("auth", "add", "--code", "code-agency-1")
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "12 advertisers")
	outputs = append(outputs, out, errs)
	code, out, errs = tr.run("auth", "add", "--code", "code-agency-1")
	require.Equal(t, 1, code, "a used code")
	require.Contains(t, errs, "exchange code")
	outputs = append(outputs, out, errs)

	code, out, errs = tr.run("auth", "list", "--json")
	require.Equal(t, 0, code, errs)
	var auths []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &auths))
	require.Len(t, auths, 1)
	require.Equal(t, "agent", auths[0]["type"])
	require.Equal(t, float64(12), auths[0]["advertisers"])
	require.Equal(t, "ok", auths[0]["status"])
	require.NotNil(t, auths[0]["refresh_expires_at"])
	// Times as accounts --json writes them: RFC 3339 to the second, in the configured zone.
	require.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$`, auths[0]["refresh_expires_at"])
	outputs = append(outputs, out, errs)

	csvPath := filepath.Join(tr.dir, "names.csv")
	require.NoError(t, os.WriteFile(csvPath, []byte("\ufeffadvertiser_id,name\r\n40000001,郑州宝马\r\n30000001,不用\r\n"), 0o600))
	code, out, errs = tr.run("accounts", "import", csvPath)
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "imported 2 account names")

	bad := filepath.Join(tr.dir, "bad.csv")
	require.NoError(t, os.WriteFile(bad, []byte("40000002,好\nx,坏\n"), 0o600))
	code, _, errs = tr.run("accounts", "import", bad)
	require.Equal(t, 2, code)
	require.Contains(t, errs, "bad.csv:2: advertiser_id:")

	code, out, errs = tr.run("accounts", "--json")
	require.Equal(t, 0, code, errs)
	outputs = append(outputs, out, errs)
	var accounts []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &accounts))
	require.Len(t, accounts, 13, "the YAML account and the agency's 12, not the agency itself")
	first := accounts[0]
	require.Equal(t, map[string]any{"advertiser_id": "30000001", "name": "账户1", "source": "config", "status": "new",
		"last_pull": nil, "last_clue": nil, "clues_today": float64(0), "error": ""}, first, "YAML names win over imports")
	require.Equal(t, "40000001", accounts[1]["advertiser_id"])
	require.Equal(t, "郑州宝马", accounts[1]["name"])
	require.Equal(t, "auth:1", accounts[1]["source"])
	require.Equal(t, "", accounts[2]["name"], "no name: shown by id")
	for _, a := range accounts {
		require.NotEqual(t, "19000000", a["advertiser_id"])
	}

	code, out, errs = tr.run("accounts")
	require.Equal(t, 0, code, errs)
	require.Regexp(t, `40000001 +郑州宝马 +auth:1 +new`, out)
	outputs = append(outputs, out, errs)

	access, refresh, ok := tr.sim.AgencyTokens(agency)
	require.True(t, ok)
	tr.secrets = append(tr.secrets, access, refresh, "code-agency-1")
	tr.noSecrets(t, outputs...)
	require.False(t, strings.Contains(strings.Join(outputs, ""), access))
}

// TestConfigCheckNotesOverlap: a YAML account an authorization covers too
// is noted by config check (the YAML token wins); without a store file
// config check creates none.
func TestConfigCheckNotesOverlap(t *testing.T) {
	const agency = int64(19000000)
	tr := newTrial(t, 0, 1)
	require.NoError(t, os.WriteFile(filepath.Join(tr.dir, "rules.yaml"),
		[]byte("routes:\n  - name: all\n    receivers: [sales]\n"), 0o600))
	f, err := os.OpenFile(tr.cfgPath, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("receivers:\n  sales: {type: webhook, url: \"http://127.0.0.1:9/hook\"}\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	code, out, errs := tr.run("config", "check")
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "ok")
	require.NotContains(t, errs, "note:")
	require.NoFileExists(t, filepath.Join(tr.dir, "data", "cluebot.db"), "config check creates no store")

	tr.sim.AddAgency(agency, 30000001, 40000001)
	tr.sim.AddAgencyAuthCode("code-agency-2", agency)
	code, _, errs = tr.run("auth", "add", "--code", "code-agency-2")
	require.Equal(t, 0, code, errs)
	code, _, errs = tr.run("config", "check")
	require.Equal(t, 0, code, errs)
	require.Contains(t, errs, "note: kuaishou.accounts.0: advertiser 30000001 is also covered by authorization 1; "+
		"it is pulled once, with the token in cluebot.yaml")
	require.NotContains(t, errs, "calls_per_minute", "no budget, nothing to say")

	// With a budget, config check says its count is cluebot.yaml's alone.
	t.Setenv("CLUEBOT_KUAISHOU__CALLS_PER_MINUTE", "100")
	code, _, errs = tr.run("config", "check")
	require.Equal(t, 0, code, errs)
	require.Contains(t, errs, "note: kuaishou.calls_per_minute: 100 calls a minute checked against the 1 accounts in cluebot.yaml "+
		"(1 calls a minute needed); accounts of authorizations are checked by cluebot run, at start and after each discovery")
}
