package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/atomicfile"
	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/export"
	"github.com/cluebot/cluebot/report"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// cmdExport writes the stored leads collected in [--from, --to).
func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfgPath := newFlags("export", stderr)
	fromS := fs.String("from", "", "first collection time, YYYY-MM-DD [HH:MM:SS] (required)")
	toS := fs.String("to", "", "end of the range, exclusive (required)")
	format := fs.String("format", "jsonl", "jsonl, csv or xlsx")
	out := fs.String("out", "", "output file (default stdout)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *fromS == "" || *toS == "" {
		return usageErr("--from and --to are required")
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	from, err := parseTime(*fromS, cfg.Location)
	if err != nil {
		return usageErr("--from: %v", err)
	}
	to, err := parseTime(*toS, cfg.Location)
	if err != nil {
		return usageErr("--to: %v", err)
	}
	if !to.After(from) {
		return usageErr("--to must be after --from")
	}
	if *format == "xlsx" && *out == "" && isTerminal(stdout) {
		return usageErr("--format xlsx needs --out FILE (or a redirect)")
	}
	if *format != "xlsx" {
		if _, err := export.NewWriter(*format, io.Discard); err != nil {
			return usageErr("--format: %v", err)
		}
	}
	rules, err := exportRules(cfg)
	if err != nil {
		return err
	}
	logger := newLogger(cfg, stderr)
	st, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	filter := store.ClueFilter{From: from, To: to}
	names, err := app.NewNamer(cfg, st).Names(ctx)
	if err != nil {
		return err
	}
	n := 0
	write := func(w io.Writer) error {
		if *format == "xlsx" {
			var err error
			n, err = report.WriteRange(ctx, st, filter, app.ReportOptions(cfg, rules, names), w) // as the daily report has them
			return err
		}
		ew, _ := export.NewWriter(*format, w) // the format was checked above
		err := export.Leads(ctx, st, filter, app.LeadOptions(cfg, rules, names), func(l *transform.Lead, c *store.Clue) error {
			r := export.NewRecord(l, c.Routes)
			n++
			return ew.Write(&r)
		})
		if cerr := ew.Close(); err == nil {
			err = cerr
		}
		return err
	}
	// To a file: whole or not at all, so a killed export never leaves a
	// truncated file, nor destroys the one that was there.
	if *out != "" {
		err = atomicfile.Write(*out, write)
	} else {
		err = write(stdout)
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	logger.Info("exported", "leads", n, "from", from.Format(time.DateTime), "to", to.Format(time.DateTime), "format", *format)
	return nil
}

// exportRules loads the rules for their field mapping; without a rules
// file, nothing is mapped.
func exportRules(cfg *config.Config) (*route.Rules, error) {
	rules, err := route.Load(cfg.Rules)
	switch {
	case err == nil:
		return rules, nil
	case errors.Is(err, os.ErrNotExist):
		return nil, nil
	}
	return nil, &exitError{code: 2, err: err}
}
