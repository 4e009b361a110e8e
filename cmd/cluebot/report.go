package main

import (
	"context"
	"fmt"
	"io"
	"time"
)

// cmdReport writes (and with --send delivers) the daily report.
func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfgPath := newFlags("report", stderr)
	dateS := fs.String("date", "", "the day, YYYY-MM-DD in the configured zone (default yesterday)")
	out := fs.String("out", "", "write the report to this file instead of report.out_dir")
	send := fs.Bool("send", false, "deliver it to report.receivers")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := startApp(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	day := a.Yesterday(time.Now())
	if *dateS != "" {
		if day, err = time.ParseInLocation(time.DateOnly, *dateS, a.Config.Location); err != nil {
			return usageErr("--date: %q is not YYYY-MM-DD", *dateS)
		}
	}
	files, sum, err := a.Report(ctx, day, *out, *send)
	for _, f := range files {
		fmt.Fprintln(stdout, f)
	}
	if sum != nil {
		fmt.Fprintf(stdout, "%s: %d leads (%d unrouted)\n", sum.Date, sum.Total.Day, sum.Unrouted.Day)
	}
	return err
}
