package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/fetch"
)

// cmdPull fetches and stores clues: incrementally, or for [--from, --to).
func cmdPull(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfgPath := newFlags("pull", stderr)
	fromS := fs.String("from", "", "backfill from this time (YYYY-MM-DD [HH:MM:SS], configured zone)")
	toS := fs.String("to", "", "backfill up to this time (default now)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	var from, to time.Time
	if *fromS != "" {
		if from, err = parseTime(*fromS, cfg.Location); err != nil {
			return usageErr("--from: %v", err)
		}
		to = time.Now()
		if *toS != "" {
			if to, err = parseTime(*toS, cfg.Location); err != nil {
				return usageErr("--to: %v", err)
			}
		}
		if !to.After(from) {
			return usageErr("--to must be after --from")
		}
	} else if *toS != "" {
		return usageErr("--to needs --from")
	}
	logger := newLogger(cfg, stderr)
	st, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	syncer := app.NewSyncer(cfg, st, logger)
	if isTerminal(stdout) {
		bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(stdout),
			progressbar.OptionSetDescription("pulling clues"), progressbar.OptionShowCount(),
			progressbar.OptionSetItsString("clues"), progressbar.OptionShowIts(), progressbar.OptionClearOnFinish())
		var mu sync.Mutex
		syncer.OnPage = func(_ fetch.Account, p fetch.PageProgress) {
			mu.Lock()
			defer mu.Unlock()
			_ = bar.Add(p.Stats.Total())
		}
		defer bar.Finish()
	}
	var results []fetch.Result
	if from.IsZero() {
		results, err = syncer.SyncAll(ctx)
	} else {
		results, err = syncer.BackfillAll(ctx, from, to)
	}
	for _, r := range results {
		status := "ok"
		if r.Err != nil {
			status = "FAILED: " + r.Err.Error()
		}
		fmt.Fprintf(stdout, "%s: %d new, %d updated, %d unchanged, %d pages in %s; %s\n",
			r.Account.Label(), r.Stats.Inserted, r.Stats.Updated, r.Stats.Unchanged, r.Pages,
			r.Duration.Round(time.Millisecond), status)
	}
	if err != nil {
		return fmt.Errorf("%d of %d accounts failed", countFailed(results), len(results))
	}
	return nil
}

func countFailed(rs []fetch.Result) int {
	n := 0
	for _, r := range rs {
		if r.Err != nil {
			n++
		}
	}
	return n
}
