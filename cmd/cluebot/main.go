// Command cluebot pulls Kuaishou leads, routes them to chat robots and
// writes the daily Excel report. This file only parses flags and wires
// packages; see the package docs for the logic.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/cluebot/cluebot/secret"
)

// exitError carries a process exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErr is a usage or config problem: exit 2.
func usageErr(format string, a ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, a...)}
}

type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() map[string]command {
	return map[string]command{
		"accounts": {"accounts [--json]: every account, its status, last pull, last clue; accounts import FILE.csv: names", cmdAccounts},
		"auth":     {"auth url [--agent] | auth add --code CODE | auth list [--json]: agency and advertiser authorizations", cmdAuth},
		"pull":     {"fetch and store clues (--from/--to for a backfill)", cmdPull},
		"init":     {"init [--dir DIR] [--force]: write a commented starter cluebot.yaml and rules.yaml, print the next steps", cmdInit},
		"forget":   {"forget --phone P: erase every lead with that phone (audited without it)", cmdForget},
		"export":   {"export --from T --to T [--format jsonl|csv|xlsx]: the stored leads of a range as jsonl, csv or xlsx", cmdExport},
		"config":   {"config check: validate cluebot.yaml, rules.yaml and templates", cmdConfig},
		"demo":     {"the whole pipeline against built-in simulators, no account or config needed", cmdDemo},
		"notify":   {"notify test --receiver NAME: send one sample alert", cmdNotify},
		"once":     {"one cycle: pull, route, deliver what is due, exit", cmdOnce},
		"report":   {"write (and with --send deliver) the daily Excel report", cmdReport},
		"rules":    {"rules test --clue FILE: which routes, receivers and messages a clue gets; rules diff --rules NEW.yaml: what a change does to stored leads", cmdRules},
		"run":      {"the daemon: scheduled pulls, delivery, daily report, /healthz and /metrics", cmdRun},
		"secret":   {"secret rotate: seal every stored token with the first key of " + secret.KeyEnv, cmdSecret},
		"user":     {"user hash: read a password on stdin, print its bcrypt hash for console.users", cmdUser},
		"version":  {"the version, commit and Go toolchain of this binary (also --version, -v)", cmdVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "--version" || args[0] == "-v" {
		args = append([]string{"version"}, args[1:]...)
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "cluebot: unknown command %q\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	err := c.run(ctx, args[1:], stdout, stderr)
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintf(stderr, "cluebot %s: %v\n", args[0], ee.err)
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "cluebot %s: %v\n", args[0], err)
	return 1
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: cluebot COMMAND [flags]\n\ncommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nnew here? 'cluebot demo' shows the whole pipeline; 'cluebot init' writes a starter config")
	fmt.Fprintln(w, "run 'cluebot COMMAND -h' for a command's flags")
}

// newFlags makes a command's flag set with the shared -c flag.
func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("cluebot "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := fs.String("c", "", "config file (default $CLUEBOT_CONFIG or ./cluebot.yaml)")
	return fs, cfg
}

// parseFlags parses args, turning flag errors into exit code 2.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: 2, err: errors.New("")}
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return nil
}
