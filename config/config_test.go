package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func lookupFrom(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

var testEnv = map[string]string{"KS_APP_SECRET": "app-secret-value", "KS_TOKEN": "access-token-value"}

func TestParseFull(t *testing.T) {
	data, err := os.ReadFile("testdata/full.yaml")
	require.NoError(t, err)
	cfg, err := Parse("/etc/cluebot/cluebot.yaml", data, lookupFrom(testEnv), nil)
	require.NoError(t, err)
	require.Equal(t, "Asia/Shanghai", cfg.Location.String())
	require.Equal(t, "/etc/cluebot/data/cluebot.db", cfg.Store.DSN)
	require.Equal(t, "/etc/cluebot/rules.yaml", cfg.Rules)
	require.Equal(t, "/etc/cluebot/reports", cfg.Report.OutDir)
	require.Equal(t, 48*time.Hour, cfg.Kuaishou.Backfill)
	require.Equal(t, 15*time.Second, cfg.Kuaishou.Timeout, "default")
	require.Equal(t, "app-secret-value", cfg.Kuaishou.Secret.Reveal())
	require.Len(t, cfg.Kuaishou.Accounts, 1)
	require.Equal(t, int64(20006545), cfg.Kuaishou.Accounts[0].AdvertiserID)
	require.Equal(t, "access-token-value", cfg.Kuaishou.Accounts[0].AccessToken.Reveal())
	require.True(t, cfg.Kuaishou.Accounts[0].RefreshToken.IsZero())
	require.Equal(t, "dingtalk", cfg.Receivers["henan-sales"].Type)
	require.True(t, cfg.ReceiverNames()["managers"])
	require.NotContains(t, fmt.Sprintf("%+v", cfg), "app-secret-value")
	require.NotContains(t, fmt.Sprintf("%+v", cfg), "access-token-value")
	require.NotContains(t, fmt.Sprintf("%+v", cfg), "SECXXX")
}

func TestEnvOverrides(t *testing.T) {
	data, err := os.ReadFile("testdata/full.yaml")
	require.NoError(t, err)
	cfg, err := Parse("c.yaml", data, lookupFrom(testEnv), []string{
		"CLUEBOT_KUAISHOU__QPS=12.5",
		"CLUEBOT_KUAISHOU__PAGE_SIZE=500",
		"CLUEBOT_TIMEZONE=UTC",
		"CLUEBOT_CONFIG=/somewhere/else.yaml",
		"CLUEBOT_TEST_POSTGRES=postgres://x",
	})
	require.NoError(t, err)
	require.Equal(t, 12.5, cfg.Kuaishou.QPS)
	require.Equal(t, 500, cfg.Kuaishou.PageSize)
	require.Equal(t, "UTC", cfg.Location.String())
}

func TestErrorsNameFileLineKey(t *testing.T) {
	base, err := os.ReadFile("testdata/full.yaml")
	require.NoError(t, err)
	cases := []struct {
		name, from, to string
		env            map[string]string
		want           []string
	}{
		{"unknown key", "  qps: 5", "  qps: 5\n  qpz: 7", testEnv, []string{"c.yaml:14: kuaishou.qpz: unknown key"}},
		{"unknown top-level key", "timezone: Asia/Shanghai", "timezone: Asia/Shanghai\nrulez: x", testEnv, []string{"c.yaml:2: rulez: unknown key"}},
		{"unknown receiver key", "    mask_phone: true", "    mask_phone: true\n    maskphone: false", testEnv, []string{"c.yaml:25: receivers.henan-sales.maskphone: unknown key"}},
		{"wrong type", "page_size: 200", "page_size: lots", testEnv, []string{"c.yaml:9: kuaishou.page_size:"}},
		{"bad duration", "lookback: 1h", "lookback: an hour", testEnv, []string{"c.yaml:11: kuaishou.lookback:", "invalid duration"}},
		{"out of range", "page_size: 200", "page_size: 900", testEnv, []string{"c.yaml:9: kuaishou.page_size: 900 is not within 1..500"}},
		{"bad zone", "timezone: Asia/Shanghai", "timezone: Mars/Base", testEnv, []string{"c.yaml:1: timezone: unknown time zone"}},
		{"bad receiver type", "type: wecom", "type: slack", testEnv, []string{"c.yaml:26: receivers.managers.type:"}},
		{"unknown report receiver", "receivers: [managers]", "receivers: [bosses]", testEnv, []string{"c.yaml:33: report.receivers.0: unknown receiver \"bosses\""}},
		{"missing env", "", "", map[string]string{"KS_TOKEN": "x"}, []string{"c.yaml:8: kuaishou.secret: environment variable KS_APP_SECRET is not set"}},
		{"yaml syntax", "  qps: 5", "  qps: [5", testEnv, []string{"c.yaml:13: did not find expected ',' or ']'"}},
		{"listen without port", "  listen: 127.0.0.1:9100", "  listen: nonsense", testEnv, []string{`c.yaml:35: http.listen: "nonsense" is not host:port`}},
		{"listen bad port", "  listen: 127.0.0.1:9100", "  listen: 127.0.0.1:99999", testEnv, []string{`c.yaml:35: http.listen: "127.0.0.1:99999" is not host:port`}},
		{"bad schedule", `schedule: "0 9 * * *"`, `schedule: "0 25 * * *"`, testEnv, []string{`c.yaml:31: report.schedule: "0 25 * * *" is not a 5-field cron schedule`}},
		{"postgres with a file", "  driver: sqlite", "  driver: postgres", testEnv, []string{"c.yaml:4: store.dsn: is neither a postgres:// URL nor key=value pairs (a file path is for sqlite)"}},
		{"missing account id", "    - advertiser_id: 20006545\n", "    - \n", testEnv, []string{"c.yaml:"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text := strings.Replace(string(base), tc.from, tc.to, 1)
			_, err := Parse("c.yaml", []byte(text), lookupFrom(tc.env), nil)
			require.Error(t, err)
			require.True(t, IsInvalid(err))
			for _, w := range tc.want {
				require.Contains(t, err.Error(), w)
			}
			require.NotContains(t, err.Error(), "app-secret-value")
		})
	}
}

func TestAllProblemsReported(t *testing.T) {
	text := "timezone: Nowhere\nkuaishou:\n  page_size: 0\n  bogus: 1\nextra: 2\n"
	_, err := Parse("c.yaml", []byte(text), lookupFrom(nil), nil)
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	require.GreaterOrEqual(t, len(lines), 2, err.Error())
	require.Contains(t, err.Error(), "c.yaml:4: kuaishou.bogus: unknown key")
	require.Contains(t, err.Error(), "c.yaml:5: extra: unknown key")
}

func TestLoadAndPath(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "cluebot.yaml")
	require.NoError(t, os.WriteFile(p, []byte("kuaishou:\n  accounts: []\n"), 0o600))
	cfg, err := Load(p)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(dir, "data/cluebot.db"), cfg.Store.DSN)
	_, err = Load(filepath.Join(dir, "missing.yaml"))
	require.Error(t, err)
	require.False(t, IsInvalid(err))

	require.Equal(t, "x.yaml", Path("x.yaml"))
	t.Setenv("CLUEBOT_CONFIG", "env.yaml")
	require.Equal(t, "env.yaml", Path(""))
}

// TestMetricsToken reads http.metrics_token from the environment, keeps it
// a secret that never prints, and takes an override.
func TestMetricsToken(t *testing.T) {
	text := "http:\n  listen: 127.0.0.1:9100\n  metrics_token: ${METRICS_TOKEN}\n"
	cfg, err := Parse("c.yaml", []byte(text), lookupFrom(map[string]string{"METRICS_TOKEN": "m3tr1cs-t0ken"}), nil)
	require.NoError(t, err)
	require.Equal(t, "m3tr1cs-t0ken", cfg.HTTP.MetricsToken.Reveal())
	require.NotContains(t, fmt.Sprintf("%+v %#v", cfg, cfg), "m3tr1cs-t0ken")

	_, err = Parse("c.yaml", []byte(text), lookupFrom(nil), nil)
	require.ErrorContains(t, err, "c.yaml:3: http.metrics_token: environment variable METRICS_TOKEN is not set")

	cfg, err = Parse("c.yaml", []byte("{}"), lookupFrom(nil), []string{"CLUEBOT_HTTP__METRICS_TOKEN=from-env"})
	require.NoError(t, err)
	require.Equal(t, "from-env", cfg.HTTP.MetricsToken.Reveal())
	cfg, err = Parse("c.yaml", []byte("{}"), lookupFrom(nil), nil)
	require.NoError(t, err)
	require.True(t, cfg.HTTP.MetricsToken.IsZero(), "no token by default")
}

// TestCheckReportsEveryProblem puts problems of every stage in one file: a
// receiver that does not decode no longer hides the rest, a value that did
// not decode is not also reported invalid, and Check returns the config as
// far as it was read, so rules.yaml can be checked against it.
func TestCheckReportsEveryProblem(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cluebot.yaml")
	text := "receivers:\n" +
		"  a: {type: dingtalk, url: [1]}\n" +
		"  b: {type: wecom, url: \"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k\"}\n" +
		"kuaishou:\n" +
		"  qps: lots\n" +
		"  page_size: 900\n" +
		"  bogus: 1\n" +
		"rules: my-rules.yaml\n"
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))

	cfg, err := Check(path)
	require.True(t, IsInvalid(err))
	require.Equal(t, []string{
		path + ":2: receivers.a.url: want a single value, not a list",
		path + ":5: kuaishou.qps: want a number, not \"lots\"",
		path + ":6: kuaishou.page_size: 900 is not within 1..500",
		path + ":7: kuaishou.bogus: unknown key",
	}, strings.Split(err.Error(), "\n"))
	require.NotNil(t, cfg)
	require.Equal(t, filepath.Join(dir, "my-rules.yaml"), cfg.Rules)
	require.Equal(t, map[string]bool{"a": true, "b": true}, cfg.ReceiverNames())

	_, err = Load(path)
	require.EqualError(t, err, strings.Join([]string{
		path + ":2: receivers.a.url: want a single value, not a list",
		path + ":5: kuaishou.qps: want a number, not \"lots\"",
		path + ":6: kuaishou.page_size: 900 is not within 1..500",
		path + ":7: kuaishou.bogus: unknown key",
	}, "\n"), "Load reports the same")

	require.NoError(t, os.WriteFile(path, []byte("kuaishou: [\n"), 0o600))
	cfg, err = Check(path)
	require.True(t, IsInvalid(err))
	require.Nil(t, cfg, "not YAML: nothing to go on")
}

// TestStoreKeyFile resolves store.key_file against the config file's
// directory and names the key when its value is malformed.
func TestStoreKeyFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "cluebot.yaml")
	require.NoError(t, os.WriteFile(p, []byte("store:\n  key_file: secrets/cluebot.key\n"), 0o600))
	cfg, err := Load(p)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(dir, "secrets/cluebot.key"), cfg.Store.KeyFile)

	cfg, err = Parse("c.yaml", []byte("store:\n  key_file: /etc/cluebot/key\n"), lookupFrom(nil), nil)
	require.NoError(t, err)
	require.Equal(t, "/etc/cluebot/key", cfg.Store.KeyFile, "absolute paths stay")

	_, err = Parse("c.yaml", []byte("store:\n  key_file: \" k \"\n"), lookupFrom(nil), nil)
	require.ErrorContains(t, err, "c.yaml:2: store.key_file: \" k \" has spaces around it")
}

// TestUnsetVariableHidesNoOtherProblem: a ${VAR} that is not set is one
// problem among the others of the file, not the only one reported, and the
// empty value it leaves is not reported again.
func TestUnsetVariableHidesNoOtherProblem(t *testing.T) {
	base, err := os.ReadFile("testdata/full.yaml")
	require.NoError(t, err)
	text := strings.NewReplacer("page_size: 200", "page_sise: 200", "qps: 5", "qps: lots").Replace(string(base))
	_, err = Parse("c.yaml", []byte(text), lookupFrom(map[string]string{"KS_TOKEN": "t"}), nil)
	require.True(t, IsInvalid(err))
	require.Equal(t, []string{
		"c.yaml:8: kuaishou.secret: environment variable KS_APP_SECRET is not set (write ${KS_APP_SECRET:-} to allow empty)",
		"c.yaml:9: kuaishou.page_sise: unknown key",
		`c.yaml:13: kuaishou.qps: want a number, not "lots"`,
	}, strings.Split(err.Error(), "\n"))
}

// TestReceiverNamesSayWhichTakeAlerts: every receiver is known to
// rules.yaml, and only chat and webhook receivers take alerts; an email
// receiver takes the daily report only.
func TestReceiverNamesSayWhichTakeAlerts(t *testing.T) {
	text := "receivers:\n" +
		"  chat: {type: wecom, url: \"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k\"}\n" +
		"  mail: {type: email, email: {host: smtp.example.com, to: [boss@example.com]}}\n"
	cfg, err := Parse("c.yaml", []byte(text), lookupFrom(nil), nil)
	require.NoError(t, err)
	require.Equal(t, map[string]bool{"chat": true, "mail": false}, cfg.ReceiverNames())
}

// TestNotAMapping: a cluebot.yaml that is a list or a single value is told
// so in the admin's words, not in Go's types.
func TestNotAMapping(t *testing.T) {
	for _, text := range []string{"- a\n- b\n", "just text\n"} {
		_, err := Parse("c.yaml", []byte(text), lookupFrom(nil), nil)
		require.True(t, IsInvalid(err))
		require.EqualError(t, err, "c.yaml:1: the file must hold keys (timezone:, store:, kuaishou:, ...), not a list or a single value")
	}
}
