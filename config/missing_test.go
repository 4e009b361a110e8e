package config

import (
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMissingConfigSaysHowToMakeOne(t *testing.T) {
	dir := t.TempDir()
	abs, err := filepath.Abs(dir)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		path string
		want string
	}{
		{"default name here", DefaultPath, "no cluebot.yaml in " + abs +
			": run `cluebot init` to write a starter config, or pass -c FILE"},
		{"default name elsewhere", filepath.Join(dir, DefaultPath), "no cluebot.yaml in " + abs +
			": run `cluebot init --dir " + dir + "` to write a starter config, or pass -c FILE"},
		{"another name", filepath.Join(dir, "prod.yaml"), "no config file " + filepath.Join(dir, "prod.yaml") +
			": run `cluebot init --dir " + dir + "` to write a starter cluebot.yaml, or pass -c FILE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.path == DefaultPath {
				t.Chdir(dir)
			}
			for _, load := range []func(string) (*Config, error){Load, Check} {
				cfg, err := load(tc.path)
				require.Nil(t, cfg)
				require.ErrorIs(t, err, fs.ErrNotExist)
				var missing *MissingError
				require.ErrorAs(t, err, &missing)
				require.Equal(t, tc.want, err.Error())
			}
		})
	}
}

func TestUnreadableConfigIsNotMissing(t *testing.T) {
	dir := t.TempDir() // a folder where the file should be: read fails, but not "missing"
	_, err := Load(dir)
	require.Error(t, err)
	var missing *MissingError
	require.NotErrorAs(t, err, &missing)
	require.Contains(t, err.Error(), "read config:")
}

// TestPlaceholderWarning: a receiver that still holds the starter's
// placeholder in its URL or secret is warned about, by name; a filled-in
// one is not.
func TestPlaceholderWarning(t *testing.T) {
	for _, tc := range []struct {
		name, receivers string
		warned          []string
	}{
		{"url", "a: {type: dingtalk, url: \"https://oapi.dingtalk.com/robot/send?access_token=REPLACE_ME\"}", []string{"a"}},
		{"secret", "b: {type: dingtalk, url: \"https://h/x\", secret: SECREPLACE_ME}", []string{"b"}},
		{"filled in", "c: {type: wecom, url: \"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc\"}", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse("c.yaml", []byte("receivers:\n  "+tc.receivers+"\n"), lookupFrom(nil), nil)
			require.NoError(t, err)
			require.Len(t, cfg.Warnings(), len(tc.warned))
			for i, name := range tc.warned {
				require.Contains(t, cfg.Warnings()[i], "receivers."+name+": still holds the starter's REPLACE_ME")
				require.NotContains(t, cfg.Warnings()[i], "https://", "no webhook in the warning")
			}
		})
	}
}
