package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/starter"
)

// TestInit runs `cluebot init` as a new user would, in a folder of its own:
// it writes both files (creating --dir), refuses to replace either with exit
// 2 and nothing written, replaces them with --force, and fails on a --dir
// that is a file.
func TestInit(t *testing.T) {
	for _, tc := range []struct {
		name      string
		present   string // a file already in the target folder
		args      []string
		code      int
		stdout    []string
		stderr    string
		unchanged bool
	}{
		{name: "here", args: []string{"init"}, stdout: []string{"wrote cluebot.yaml\n", "wrote rules.yaml\n",
			"  1. ", "  2. `cluebot run`", "  3. `cluebot auth url --agent`"}},
		{name: "new folder", args: []string{"init", "--dir", "etc/cluebot"}, stdout: []string{
			"wrote etc/cluebot/cluebot.yaml\n", "wrote etc/cluebot/rules.yaml\n", "`cluebot run -c etc/cluebot/cluebot.yaml`"}},
		{name: "config there", present: "cluebot.yaml", args: []string{"init"}, code: 2, unchanged: true,
			stderr: "cluebot init: cluebot.yaml already exists: nothing was written (move it away, or pass --force to replace it)\n"},
		{name: "rules there", present: "rules.yaml", args: []string{"init"}, code: 2, unchanged: true,
			stderr: "cluebot init: rules.yaml already exists: nothing was written (move it away, or pass --force to replace it)\n"},
		{name: "force", present: "cluebot.yaml", args: []string{"init", "--force"}, stdout: []string{"wrote cluebot.yaml\n"}},
		{name: "stray argument", args: []string{"init", "etc"}, code: 2, unchanged: true,
			stderr: "cluebot init: unexpected arguments: etc\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.present != "" {
				require.NoError(t, os.WriteFile(filepath.Join(dir, tc.present), []byte("mine\n"), 0o600))
			}
			code, stdout, stderr := runChild(t, dir, childEnviron(), tc.args)
			require.Equal(t, tc.code, code, stderr)
			for _, s := range tc.stdout {
				require.Contains(t, stdout, s)
			}
			if tc.stderr != "" {
				require.Equal(t, tc.stderr, stderr)
			}
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			if tc.unchanged {
				require.Empty(t, stdout)
				require.Len(t, entries, boolInt(tc.present != ""), "nothing written")
				if tc.present != "" {
					got, err := os.ReadFile(filepath.Join(dir, tc.present))
					require.NoError(t, err)
					require.Equal(t, "mine\n", string(got))
				}
				return
			}
			target := dir
			if len(tc.args) > 2 && tc.args[1] == "--dir" {
				target = filepath.Join(dir, tc.args[2])
			}
			for _, f := range starter.Files() {
				got, err := os.ReadFile(filepath.Join(target, f.Name))
				require.NoError(t, err)
				require.Equal(t, string(f.Data), string(got))
			}
		})
	}

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "afile"), nil, 0o600))
	code, _, stderr := runChild(t, dir, childEnviron(), []string{"init", "--dir", "afile"})
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "afile")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestInitThenConfigCheck: what init writes passes `cluebot config check`
// (exit 0, "ok"), warned only about the robots' placeholders, with no
// environment variable set; `cluebot once` runs on it (nothing to pull yet).
func TestInitThenConfigCheck(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runChild(t, dir, childEnviron(), []string{"init", "--dir", "site"})
	require.Equal(t, 0, code, stderr)
	code, stdout, stderr := runChild(t, dir, childEnviron(), []string{"config", "check", "-c", "site/cluebot.yaml"})
	require.Equal(t, 0, code, stderr)
	require.Equal(t, "site/cluebot.yaml: ok\n", stdout)
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	require.Len(t, lines, 4, stderr)
	for _, l := range lines {
		require.Regexp(t, `^site/cluebot.yaml:\d+: warning: receivers\.[a-z-]+: still holds the starter's REPLACE_ME`, l)
	}
	code, _, stderr = runChild(t, filepath.Join(dir, "site"), childEnviron(), []string{"once"})
	require.Equal(t, 0, code, stderr)
}

// TestNoConfigSaysHowToMakeOne: a command that needs cluebot.yaml, run
// where there is none, exits 2 with one line that says how to make one.
func TestNoConfigSaysHowToMakeOne(t *testing.T) {
	dir := t.TempDir()
	abs, err := filepath.EvalSymlinks(dir)
	require.NoError(t, err)
	hint := "no cluebot.yaml in " + abs + ": run `cluebot init` to write a starter config, or pass -c FILE\n"
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"run", []string{"run"}, "cluebot run: " + hint},
		{"once", []string{"once"}, "cluebot once: " + hint},
		{"auth url", []string{"auth", "url", "--agent"}, "cluebot auth: " + hint},
		{"config check", []string{"config", "check"}, hint + "cluebot config: 1 problem(s) found\n"},
		{"elsewhere", []string{"pull", "-c", "etc/cluebot.yaml"}, "cluebot pull: no cluebot.yaml in " +
			filepath.Join(abs, "etc") + ": run `cluebot init --dir etc` to write a starter config, or pass -c FILE\n"},
		{"another name", []string{"report", "-c", "prod.yaml"}, "cluebot report: no config file prod.yaml: " +
			"run `cluebot init` to write a starter cluebot.yaml, or pass -c FILE\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runChild(t, abs, childEnviron(), tc.args)
			require.Equal(t, 2, code)
			require.Empty(t, stdout)
			require.Equal(t, tc.want, stderr)
		})
	}
}

// TestVersion: `cluebot version`, --version and -v print the same three
// lines; this test binary carries no version control stamp, so the commit
// is unknown and the version (devel).
func TestVersion(t *testing.T) {
	var outs []string
	for _, arg := range []string{"version", "--version", "-v"} {
		code, stdout, stderr := runChild(t, t.TempDir(), childEnviron(), []string{arg})
		require.Equal(t, 0, code, stderr)
		outs = append(outs, stdout)
	}
	require.Equal(t, outs[0], outs[1])
	require.Equal(t, outs[0], outs[2])
	require.Regexp(t, `^cluebot \S+\ncommit ([0-9a-f]{40}|unknown)\b.*\nbuilt with go1\.\d+.* \w+/\w+\n$`, outs[0])
	require.Contains(t, outs[0], "cluebot (devel)\n")
}

// TestVersionOfABuiltBinary builds cluebot with `make build`, as a release
// is built, and checks that `cluebot version` names the checkout: git
// describe's version and the commit at HEAD.
func TestVersionOfABuiltBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("no git checkout: %v", err)
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	describe, err := exec.Command("git", "describe", "--always", "--dirty").Output()
	require.NoError(t, err)
	bin := filepath.Join(t.TempDir(), "cluebot")
	build := exec.CommandContext(context.Background(), "make", "-C", "../..", "build", "BIN="+bin)
	var errb bytes.Buffer
	build.Stderr = &errb
	require.NoError(t, build.Run(), errb.String())
	out, err := exec.Command(bin, "version").Output()
	require.NoError(t, err)
	require.Regexp(t, "^cluebot "+regexp.QuoteMeta(strings.TrimSpace(string(describe)))+"\ncommit "+
		regexp.QuoteMeta(strings.TrimSpace(string(head)))+"\nbuilt with go1\\.", string(out))
}
