package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/transform"
)

// ruleMatch is one route of `rules test --json`.
type ruleMatch struct {
	Route     string            `json:"route"`
	Receivers []string          `json:"receivers"`
	Assignee  string            `json:"assignee"`
	Messages  map[string]string `json:"messages"`
}

// cmdRules implements `cluebot rules test --clue FILE [--json]` and
// `cluebot rules diff` (see cmdRulesDiff).
func cmdRules(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "diff" {
		return cmdRulesDiff(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "test" {
		return usageErr("usage: cluebot rules test -c cluebot.yaml --clue FILE [--json]\n       cluebot rules diff -c cluebot.yaml --rules NEW.yaml [--since 7d] [--json]")
	}
	fs, cfgPath := newFlags("rules test", stderr)
	clueFile := fs.String("clue", "", "a clue as the vendor sends it (one JSON object; - for stdin)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	atS := fs.String("at", "", "route as if it were this time (YYYY-MM-DD HH:MM:SS, configured zone), for active windows; default now")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *clueFile == "" {
		return usageErr("--clue is required")
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	tmpl, err := receiver.Platforms().LoadTemplates(cfg.Templates)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	// The rules in force: the store's newest version, else the file.
	st, err := openStore(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	rules, err := rulesInForce(ctx, cfg, tmpl, st)
	if err != nil {
		return err
	}
	at := time.Now()
	if *atS != "" {
		if at, err = parseTime(*atS, cfg.Location); err != nil {
			return usageErr("--at: %v", err)
		}
	}
	raw, err := readInput(*clueFile)
	if err != nil {
		return err
	}
	c, err := clue.Decode(raw)
	if err != nil {
		return usageErr("%s: not a clue: %v", *clueFile, err)
	}
	// The clue as an alert would show it, though it was never stored.
	names, _ := app.NewNamer(cfg, nil).Names(ctx) // cluebot.yaml's: no store to read
	lead := transform.FromClue(&c, nil, app.LeadOptions(cfg, rules, names))
	out := struct {
		ClueID   string      `json:"clue_id"`
		Unrouted bool        `json:"unrouted"`
		Matches  []ruleMatch `json:"matches"`
	}{ClueID: lead.ID, Matches: []ruleMatch{}}
	var rot route.MemoryRotation
	for _, m := range rules.Route(&lead, at) {
		member, err := m.Route.Assign(ctx, &rot)
		if err != nil {
			return err
		}
		rm := ruleMatch{Route: m.Route.Name, Receivers: m.Route.Receivers, Messages: map[string]string{}}
		alert := notify.Alert{Lead: lead, Route: m.Route.Name, Assignee: member}
		if member != nil {
			rm.Assignee = member.Name
		}
		for _, name := range m.Route.Receivers {
			rc := cfg.Receivers[name]
			body, err := renderBody(name, &rc, tmpl, &notify.Message{Receiver: name, Template: m.Route.Template, Alerts: []notify.Alert{alert}})
			if err != nil {
				body = "error: " + err.Error()
			}
			rm.Messages[name] = body
		}
		out.Matches = append(out.Matches, rm)
	}
	out.Unrouted = len(out.Matches) == 0
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if out.Unrouted {
		fmt.Fprintf(stdout, "clue %s: no route takes it (it would be kept, counted and listed in the report as unrouted)\n", out.ClueID)
		return nil
	}
	for _, m := range out.Matches {
		fmt.Fprintf(stdout, "clue %s → route %s → %s", out.ClueID, m.Route, strings.Join(m.Receivers, ", "))
		if m.Assignee != "" {
			fmt.Fprintf(stdout, " (assignee %s)", m.Assignee)
		}
		fmt.Fprintln(stdout)
		for _, name := range m.Receivers {
			fmt.Fprintf(stdout, "  %s:\n    %s\n", name, m.Messages[name])
		}
	}
	return nil
}

func readInput(path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(os.Stdin)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &exitError{code: 2, err: err}
	}
	return b, nil
}

// renderBody returns the body receiver name would be POSTed for msg.
func renderBody(name string, rc *notify.ReceiverConfig, tmpl *notify.Templates, msg *notify.Message) (string, error) {
	n, err := receiver.Build(name, rc, tmpl, nil, nil)
	if err != nil {
		return "", err
	}
	p, ok := n.(receiver.Previewer)
	if !ok {
		return "", fmt.Errorf("receiver %s cannot preview its messages", name)
	}
	b, err := p.Body(msg)
	return string(b), err
}
