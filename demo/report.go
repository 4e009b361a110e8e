package demo

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/cluebot/cluebot/app"
)

// writeReport writes today's Excel report into the config's out_dir and
// delivers it to report.receivers (the managers' WeCom robot gets the file).
func writeReport(ctx context.Context, a *app.App, now time.Time, w io.Writer) ([]string, error) {
	y, m, d := now.In(a.Config.Location).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, a.Config.Location)
	files, sum, err := a.Report(ctx, today, "", true)
	if err != nil {
		return files, err
	}
	fmt.Fprintf(w, "\n▶ Today's report: %d leads, %d unrouted; sent to the managers' WeCom group as a file\n", sum.Total.Day, sum.Unrouted.Day)
	return files, nil
}
