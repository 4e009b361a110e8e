package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// childEnv, set to 1, makes the test binary run cluebot's main instead of
// the tests: the crash tests start os.Args[0] with it as a real, separate
// cluebot process (built with the same flags, -race included) they can kill.
const childEnv = "CLUEBOT_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		main() // exits
		return
	}
	os.Exit(m.Run())
}

// childEnviron is this process's environment without cluebot's and the
// simulators' variables, for a cluebot child process, plus extra.
func childEnviron(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CLUEBOT_") && !strings.HasPrefix(kv, "KS_") {
			env = append(env, kv)
		}
	}
	return append(append(env, childEnv+"=1"), extra...)
}

// withConfig puts "-c cfgPath" after the command (and its verb, for
// config, rules and notify): cluebot config check -c cluebot.yaml.
func withConfig(cfgPath string, args ...string) []string {
	n := 1
	if args[0] == "config" || args[0] == "rules" || args[0] == "notify" || args[0] == "auth" ||
		args[0] == "accounts" && len(args) > 1 && args[1] == "import" {
		n = 2
	}
	return append(append(append([]string{}, args[:n]...), "-c", cfgPath), args[n:]...)
}

// runChild runs one cluebot command to its end as a separate process, the
// test binary acting as cluebot (see TestMain), in dir with env, and returns
// its exit code and output.
func runChild(t *testing.T, dir string, env, args []string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	var out, errb bytes.Buffer
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, &out, &errb
	err := cmd.Run()
	code := cmd.ProcessState.ExitCode()
	if code < 0 {
		t.Fatalf("cluebot %s: %v", strings.Join(args, " "), err)
	}
	return code, out.String(), errb.String()
}
