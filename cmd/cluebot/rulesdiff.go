package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/rulesdiff"
	"github.com/cluebot/cluebot/store"
)

// cmdRulesDiff implements `cluebot rules diff --rules NEW.yaml [--since 7d]
// [--json]`: every lead stored since then, routed with the rules in force
// and with NEW.yaml.
func cmdRulesDiff(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfgPath := newFlags("rules diff", stderr)
	newPath := fs.String("rules", "", "the candidate rules file")
	sinceS := fs.String("since", rulesdiff.DefaultSince, "replay the leads stored in this window: a Go duration (36h) or days (7d)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *newPath == "" {
		return usageErr("--rules is required")
	}
	since, err := rulesdiff.ParseSince(*sinceS)
	if err != nil {
		return usageErr("--since: %v", err)
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	tmpl, err := receiver.Platforms().LoadTemplates(cfg.Templates)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	data, err := os.ReadFile(*newPath)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	after, err := app.CheckRulesText(cfg, tmpl, *newPath, data)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("invalid rules:\n%w", err)}
	}
	st, err := openStore(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	before, err := rulesInForce(ctx, cfg, tmpl, st)
	if err != nil {
		return err
	}
	names, err := app.NewNamer(cfg, st).Names(ctx)
	if err != nil {
		return err
	}
	res, err := rulesdiff.Replay(ctx, st, before, after, rulesdiff.Window(time.Now(), since),
		rulesdiff.Options{Zone: cfg.Location, AccountNames: names})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return res.WriteText(stdout, *sinceS)
}

// rulesInForce returns the rules in force: the store's newest version, or
// the configured file while the store has none.
func rulesInForce(ctx context.Context, cfg *config.Config, tmpl *notify.Templates, st store.Store) (*route.Rules, error) {
	if h, ok := st.(store.RulesHistory); ok {
		v, err := h.RulesInForce(ctx)
		switch {
		case err == nil:
			rules, err := app.CheckRulesText(cfg, tmpl, fmt.Sprintf("rules version %s", v.ID), []byte(v.Text))
			if err != nil {
				return nil, fmt.Errorf("the rules in force no longer check:\n%w", err)
			}
			return rules, nil
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		}
	}
	rules, err := app.LoadRules(cfg, tmpl)
	return rules, appErr(err)
}
