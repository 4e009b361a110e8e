package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/config"
)

// cmdConfig implements `cluebot config check`.
func cmdConfig(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "check" {
		return usageErr("usage: cluebot config check [-c cluebot.yaml]")
	}
	fs, cfgPath := newFlags("config check", stderr)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	path := config.Path(*cfgPath)
	problems, warnings, cfg := checkAll(path)
	for _, w := range warnings { // file:line: warning: key: message
		fmt.Fprintln(stderr, w)
	}
	if cfg != nil && len(problems) == 0 {
		notes := app.AuthOverlap(ctx, cfg)
		if n := app.BudgetNote(cfg); n != "" {
			notes = append(notes, n)
		}
		for _, n := range notes {
			fmt.Fprintf(stderr, "%s: note: %s\n", path, n)
		}
	}
	if len(problems) == 0 {
		fmt.Fprintf(stdout, "%s: ok\n", path)
		return nil
	}
	for _, p := range problems {
		fmt.Fprintln(stderr, p)
	}
	return &exitError{code: 2, err: fmt.Errorf("%d problem(s) found", len(problems))}
}

// checkAll validates the config and everything it points at, returning each
// problem as a file:line: message string: every problem of cluebot.yaml,
// then of rules.yaml and the templates it names, checked against the config
// as far as it could be read; and the warnings of a config that was read
// (cluebot.yaml's, then rules.yaml's, each file:line: warning: ...), with
// the config itself.
func checkAll(path string) (problems, warnings []string, cfg *config.Config) {
	var out []string
	cfg, err := config.Check(path)
	var errs config.Errors
	var missing *config.MissingError
	switch {
	case errors.As(err, &missing):
		return []string{missing.Error()}, nil, nil
	case errors.As(err, &errs):
		for _, e := range errs {
			out = append(out, e.Error())
		}
	case err != nil:
		return []string{fmt.Sprintf("%s: %v", path, err)}, nil, nil
	}
	if cfg == nil {
		return out, nil, nil
	}
	errs, ruleWarnings := app.CheckFiles(cfg)
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out, append(cfg.Warnings(), ruleWarnings...), cfg
}
