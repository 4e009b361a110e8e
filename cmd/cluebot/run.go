package main

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/daemon"
)

// cmdRun runs the daemon until SIGINT or SIGTERM: scheduled pulls,
// delivery, the daily report, hot reload of rules.yaml and the templates,
// /healthz, /readyz and /metrics. A clean stop exits 0; a config problem
// found while starting (a bad report.schedule) exits 2.
func cmdRun(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs, cfgPath := newFlags("run", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := startApp(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	for _, w := range a.Config.Warnings() { // what config check warns about, such as a starter placeholder
		a.Log.Warn("config: " + w)
	}
	return appErr(daemon.Run(ctx, a, daemon.Options{Logger: a.Log, Report: runDailyReport(a, a.Log)}))
}

// runDailyReport is the daemon's report job: day's report written into
// report.out_dir and delivered to report.receivers.
func runDailyReport(a *app.App, logger *slog.Logger) func(ctx context.Context, day time.Time) error {
	log := logger.With("component", "report")
	return func(ctx context.Context, day time.Time) error {
		files, sum, err := a.Report(ctx, day, "", len(a.Config.Report.Receivers) > 0)
		if sum != nil {
			log.Info("daily report written", "date", sum.Date, "files", files, "leads", sum.Total.Day,
				"unrouted", sum.Unrouted.Day, "receivers", a.Config.Report.Receivers)
		}
		return err
	}
}
