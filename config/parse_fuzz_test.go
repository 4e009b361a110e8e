package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/fileerr/fileerrtest"
	"github.com/cluebot/cluebot/notify/receiver"
)

// fuzzName is the file name errors are placed in.
const fuzzName = "/etc/cluebot/cluebot.yaml"

var fuzzEnv = map[string]string{"KS_APP_SECRET": "app-secret-value", "KS_TOKEN": "access-token-value", "EMPTY": ""}

func fuzzLookup(k string) (string, bool) { v, ok := fuzzEnv[k]; return v, ok }

// FuzzParse parses arbitrary bytes as cluebot.yaml, with ${VAR} lookups and
// a CLUEBOT_ override. It never panics; a failure is config.Errors of
// *config.Error in this file, in line order, one problem a line, and every
// line of the message starts with the file name (then the line and the key
// when known); a success carries the file name and a loaded time zone,
// validates clean again, and has its relative paths resolved against the
// file's directory. Parsing is deterministic.
func FuzzParse(f *testing.F) {
	full, err := os.ReadFile("testdata/full.yaml")
	require.NoError(f, err)
	f.Add(full)
	for _, s := range []string{
		"", "{}", "~", "- a\n- b\n", "hello\n", "timezone: Mars/Olympus\n", "timezone: \"\"\n",
		"kuaishou: {qps: 1e400, page_size: 99999999999999999999, poll_interval: 30d, lookback: -1h, backfill: x}\n",
		"kuaishou:\n  accounts:\n    - {advertiser_id: \"abc\", name: [1]}\n    - 7\n",
		"receivers:\n  a: {type: dingtalk, url: \"http://[::1\"}\n  b: {type: email}\n  c: {type: 飞书}\n  \"\": {}\n",
		"report: {receivers: [nobody], schedule: \"* * *\"}\nalerts: {max_age: -5m}\nlog: {level: trace, format: xml}\n",
		"store: {driver: sqlite, dsn: \"${EMPTY}\", retention: \"${UNSET}\"}\n",
		"kuaishou: {secret: \"${KS_APP_SECRET}\", base_url: \"${UNSET:-http://x}\"}\n",
		"base: &b {type: wecom, url: \"https://q\"}\nreceivers: {m: {<<: *b}}\n", "a: &a [*a]\n",
		"timezone: [1, 2]\nstore: 5\nhttp: {listen: {a: b}}\n", "? [a, b]\n: c\n", "1: 2\ntrue: false\n",
		"\ufeff# bom\ntimezone: UTC\n", "timezone: \"\\u202eUTC\"\n", strings.Repeat("- ", 2000) + "x\n",
	} {
		f.Add([]byte(s))
	}
	environ := []string{"CLUEBOT_LOG__LEVEL=debug", "CLUEBOT_CONFIG=/elsewhere.yaml"}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := config.Parse(fuzzName, data, fuzzLookup, environ)
		again, err2 := config.Parse(fuzzName, data, fuzzLookup, environ)
		_, err3 := config.Parse(fuzzName, data, fuzzLookup, environ)
		if err != nil {
			require.Nil(t, cfg)
			// Three tries: an error that depends on map order shows up in two
			// of them almost surely when several map entries are broken.
			require.EqualError(t, err2, err.Error(), "Parse is deterministic")
			require.EqualError(t, err3, err.Error(), "Parse is deterministic")
			require.True(t, config.IsInvalid(err))
			fileerrtest.RequireList(t, err, fuzzName, data)
			return
		}
		require.NoError(t, err2)
		require.Equal(t, cfg, again, "Parse is deterministic")
		require.Equal(t, fuzzName, cfg.File)
		require.NotNil(t, cfg.Location)
		require.Equal(t, "debug", cfg.Log.Level, "the environment overrides the file")
		require.Empty(t, cfg.Validate(), "a parsed config validates")
		for _, p := range []string{cfg.Rules, cfg.Templates, cfg.Report.OutDir} {
			if p != "" {
				require.True(t, filepath.IsAbs(p), "%q is resolved against the file's directory", p)
			}
		}
		for name := range cfg.ReceiverNames() {
			r := cfg.Receivers[name]
			require.NoError(t, r.Validate(name, receiver.Platforms()))
		}
	})
}
