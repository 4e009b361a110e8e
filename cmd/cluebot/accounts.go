package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/onboard"
)

// cmdAccounts implements `cluebot accounts [--json]`: every account, from
// the config and from authorizations, problems first, with its status, last
// pull, last clue and today's clues (the text under a one-line summary, its
// PROBLEM column the error or "silent" for an ok account without clues for
// kuaishou.silent_after); and `cluebot accounts import FILE.csv`.
func cmdAccounts(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "import" {
		return cmdAccountsImport(ctx, args[1:], stdout, stderr)
	}
	fs, cfgPath := newFlags("accounts", stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, st, err := openConfigStore(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	names, err := app.NewNamer(cfg, st).Names(ctx)
	if err != nil {
		return err
	}
	var ids []int64
	for _, a := range cfg.Kuaishou.Accounts {
		ids = append(ids, a.AdvertiserID)
	}
	now := time.Now().In(cfg.Location)
	y, m, d := now.Date()
	lines, summary, err := onboard.Accounts(ctx, st, ids, names, time.Date(y, m, d, 0, 0, 0, 0, cfg.Location),
		app.Silence(cfg), now)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(stdout, lines)
	}
	fmt.Fprintln(stdout, summary)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ADVERTISER\tNAME\tSOURCE\tSTATUS\tLAST PULL\tLAST CLUE\tTODAY\tPROBLEM")
	for _, l := range lines {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", l.AdvertiserID, l.Name, l.Source, l.Status,
			onboard.ShowTime(l.LastPull, cfg.Location), onboard.ShowTime(l.LastClue, cfg.Location), l.CluesToday,
			l.Problem(cfg.Kuaishou.SilentAfter))
	}
	return tw.Flush()
}
