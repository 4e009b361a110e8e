package starter

import (
	"encoding/base64"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot"
	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/config"
)

// check validates the config at path as `cluebot config check` does:
// cluebot.yaml, then rules.yaml and the templates against it. It returns
// the config, every problem and the warnings.
func check(t *testing.T, path string) (*config.Config, []error, []string) {
	t.Helper()
	cfg, err := config.Check(path)
	var problems []error
	if err != nil {
		problems = append(problems, err)
	}
	if cfg == nil {
		return nil, problems, nil
	}
	errs, warnings := app.CheckFiles(cfg)
	return cfg, append(problems, errs...), append(cfg.Warnings(), warnings...)
}

// cleanEnv unsets what the starter reads from the environment, and what
// would override its keys.
func cleanEnv(t *testing.T) {
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "CLUEBOT_") || strings.HasPrefix(k, "KS_") {
			t.Setenv(k, "")
			require.NoError(t, os.Unsetenv(k))
		}
	}
}

// TestWrittenFilesPassConfigCheck: the starter files, written into a
// folder that did not exist, are private, are what Files says, and pass
// config check as written, warned only about the robots' placeholders;
// once the webhooks and the app's id and secret are filled in, nothing is
// left to warn about and the agency flow's keys hold what was given.
func TestWrittenFilesPassConfigCheck(t *testing.T) {
	cleanEnv(t)
	dir := filepath.Join(t.TempDir(), "etc", "cluebot")
	written, err := Write(dir, false)
	require.NoError(t, err)
	cfgPath := filepath.Join(dir, "cluebot.yaml")
	require.Equal(t, []string{cfgPath, filepath.Join(dir, "rules.yaml")}, written)
	for i, f := range Files() {
		got, err := os.ReadFile(written[i])
		require.NoError(t, err)
		require.Equal(t, string(f.Data), string(got))
		fi, err := os.Stat(written[i])
		require.NoError(t, err)
		if runtime.GOOS != "windows" {
			require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), f.Name)
		}
	}
	require.Equal(t, string(cluebot.RulesYAML), string(Files()[1].Data), "the shipped rules.yaml, not a copy")

	cfg, problems, warnings := check(t, cfgPath)
	require.Empty(t, problems)
	require.Len(t, warnings, 4, "one per robot still holding REPLACE_ME: %q", warnings)
	for i, name := range []string{"calls-team", "guangdong-sales", "henan-sales", "managers"} {
		require.Contains(t, warnings[i], "receivers."+name+": still holds the starter's "+config.Placeholder)
	}
	require.Zero(t, cfg.Kuaishou.AppID, "no app id until one is given")
	require.Empty(t, cfg.Kuaishou.Accounts, "the agency flow: no token in the file")
	require.Equal(t, []string{"managers"}, cfg.OpsReceivers)
	require.Equal(t, []string{"managers"}, cfg.Report.Receivers)
	require.Equal(t, "127.0.0.1:9100", cfg.HTTP.Listen)
	require.False(t, cfg.Console.Enabled(), "the console section is commented out")
	require.Equal(t, filepath.Join(dir, "rules.yaml"), cfg.Rules)
	types := map[string]bool{}
	for _, r := range cfg.Receivers {
		types[r.Type] = true
	}
	require.Equal(t, map[string]bool{"dingtalk": true, "wecom": true, "feishu": true}, types)

	// Filled in: the app from the environment, the webhooks pasted.
	t.Setenv("KS_APP_ID", "1234567")
	t.Setenv("KS_APP_SECRET", "app-secret")
	filled := strings.ReplaceAll(string(Files()[0].Data), config.Placeholder, "0123abcd")
	filled = strings.Replace(filled, "    # redirect_url: ", "    redirect_url: ", 1)
	require.NoError(t, os.WriteFile(cfgPath, []byte(filled), 0o600))
	cfg, problems, warnings = check(t, cfgPath)
	require.Empty(t, problems)
	require.Empty(t, warnings)
	require.Equal(t, int64(1234567), cfg.Kuaishou.AppID)
	require.Equal(t, "app-secret", cfg.Kuaishou.Secret.Reveal())
	u, err := cfg.Kuaishou.AuthorizeURL("state", true)
	require.NoError(t, err, "`cluebot auth url --agent` has what it needs")
	require.Contains(t, u, "oauth_type=agent")
}

// TestWriteNeverReplaces: with either file in the way, Write names it and
// writes nothing, the file in the way untouched; force replaces both.
func TestWriteNeverReplaces(t *testing.T) {
	for _, tc := range []struct {
		name    string
		present string // the file already in the folder
		force   bool
	}{
		{"cluebot.yaml there", "cluebot.yaml", false},
		{"rules.yaml there", "rules.yaml", false},
		{"force replaces", "cluebot.yaml", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			mine := filepath.Join(dir, tc.present)
			require.NoError(t, os.WriteFile(mine, []byte("the admin's own\n"), 0o600))
			written, err := Write(dir, tc.force)
			if tc.force {
				require.NoError(t, err)
				require.Len(t, written, 2)
				got, err := os.ReadFile(mine)
				require.NoError(t, err)
				require.NotEqual(t, "the admin's own\n", string(got))
				return
			}
			require.ErrorIs(t, err, fs.ErrExist)
			var exists *ExistsError
			require.ErrorAs(t, err, &exists)
			require.Equal(t, mine, exists.Path)
			require.Equal(t, mine+" already exists: nothing was written (move it away, or pass --force to replace it)", err.Error())
			require.Empty(t, written)
			got, err := os.ReadFile(mine)
			require.NoError(t, err)
			require.Equal(t, "the admin's own\n", string(got))
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			require.Len(t, entries, 1, "nothing else written")
		})
	}
}

// TestWriteIntoAFile: a --dir that is a file is an error, not a panic or
// a half-written folder.
func TestWriteIntoAFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "notadir")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	_, err := Write(file, false)
	require.Error(t, err)
	require.Contains(t, err.Error(), "notadir")
}

func TestNextSteps(t *testing.T) {
	for _, tc := range []struct {
		name, dir string
		want      []string
		not       []string
	}{
		{"here", ".", []string{"`cluebot config check`", "`cluebot run`", "`cluebot auth url --agent`",
			"`cluebot auth add --agent --code CODE`", "`cluebot accounts`"}, []string{" -c "}},
		{"elsewhere", "etc", []string{"`cluebot config check -c etc/cluebot.yaml`", "`cluebot run -c etc/cluebot.yaml`",
			"`cluebot auth url --agent -c etc/cluebot.yaml`"}, nil},
		{"with a space", "my etc", []string{"`cluebot run -c 'my etc/cluebot.yaml'`"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := NextSteps(tc.dir)
			for _, s := range append([]string{"  1. ", "  2. ", "  3. ", "KS_APP_ID", "REPLACE_ME", "redirect_url"}, tc.want...) {
				require.Contains(t, got, s)
			}
			for _, s := range tc.not {
				require.NotContains(t, got, s)
			}
		})
	}
}

// commentedKey is a commented-out example line of the starter config: "# "
// before a key or a list item, at any depth.
var commentedKey = regexp.MustCompile(`(?m)^( *)# ( *(?:- |[a-z_0-9]+:).*)$`)

// TestCommentedExamplesAreValid: every example the starter leaves
// commented out (the key file, single accounts, signing secrets, the
// console...) uses keys cluebot knows, so that uncommenting one and giving
// it a real value passes config check: strict decoding refuses unknown keys.
func TestCommentedExamplesAreValid(t *testing.T) {
	cleanEnv(t)
	for k, v := range map[string]string{"KS_APP_ID": "1234567", "KS_APP_SECRET": "s", "KS_REFRESH": "r", "METRICS_TOKEN": "m"} {
		t.Setenv(k, v)
	}
	dir := t.TempDir()
	_, err := Write(dir, false)
	require.NoError(t, err)
	all := commentedKey.ReplaceAllString(string(Files()[0].Data), "$1$2")
	for _, key := range []string{"key_file:", "redirect_url:", "calls_per_minute:", "account_names:", "accounts:",
		"refresh_token:", "secret: SEC", "keyword:", "mask_phone:", "metrics_token:", "console:", "users:"} {
		require.Regexp(t, `(?m)^ *(- )?`+regexp.QuoteMeta(key), all, "uncommented")
	}
	all = strings.ReplaceAll(all, `"$2a$10$..."`, `"$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"`)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cluebot.key"), []byte(base64.StdEncoding.EncodeToString(make([]byte, 32))), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cluebot.yaml"), []byte(all), 0o600))
	cfg, problems, _ := check(t, filepath.Join(dir, "cluebot.yaml"))
	require.Empty(t, problems)
	require.True(t, cfg.Console.Enabled())
	require.Len(t, cfg.Kuaishou.Accounts, 1)
	require.Equal(t, "郑州宝马", cfg.Kuaishou.AccountNames[20006545])
}
