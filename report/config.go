// Package report writes the Excel workbooks managers read: the daily report
// (明细 rows, 汇总 tallies against the previous day and week, charts, print
// and phone layout; one file per route on request) and the workbook of a
// range of leads (`cluebot export --format xlsx`), and delivers the daily
// report to its receivers: the file to robots that take files and to e-mail,
// the chat summary to the others.
package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/go-co-op/gocron/v2"
)

// Config is the `report:` section of cluebot.yaml.
type Config struct {
	Schedule  string   `koanf:"schedule"` // cron in the configured zone
	OutDir    string   `koanf:"out_dir"`
	Receivers []string `koanf:"receivers"`
	SplitBy   string   `koanf:"split_by"` // "" or "route"
	MaskPhone bool     `koanf:"mask_phone"`
	// FormColumns are form labels (e.g. 意向车型) that get a 明细 column of
	// their own beside the 表单 column, for filtering.
	FormColumns []string `koanf:"form_columns"`
	// SummaryTop is how many rows of each breakdown a chat summary lists;
	// 0 means DefaultSummaryTop.
	SummaryTop int `koanf:"summary_top"`
}

// Validate checks the section.
func (c *Config) Validate() error {
	if err := CheckSchedule(c.Schedule); err != nil {
		return err
	}
	switch c.SplitBy {
	case "", "route":
	default:
		return fmt.Errorf("report.split_by: %q is not one of route or empty", c.SplitBy)
	}
	if c.OutDir == "" {
		return fmt.Errorf("report.out_dir: must be set")
	}
	seen := make(map[string]bool, len(c.FormColumns))
	for i, label := range c.FormColumns {
		switch {
		case label == "":
			return fmt.Errorf("report.form_columns.%d: must not be empty", i)
		case seen[label]:
			return fmt.Errorf("report.form_columns.%d: %q is listed twice", i, label)
		}
		seen[label] = true
	}
	if c.SummaryTop < 0 {
		return fmt.Errorf("report.summary_top: must not be negative")
	}
	return nil
}

// CheckSchedule checks report.schedule as the daemon's scheduler reads it
// (gocron's IsValid, which the daemon calls again to set its schedule up):
// five cron fields (or a descriptor such as @daily), optionally after
// CRON_TZ=Zone, so what `cluebot run` would refuse `config check` refuses.
func CheckSchedule(spec string) error {
	if err := gocron.NewDefaultCron(false).IsValid(spec, time.UTC, time.Now()); err != nil {
		msg := strings.TrimSpace(err.Error())
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:] // gocron's own prefix line says only that parsing failed
		}
		return fmt.Errorf("report.schedule: %q is not a 5-field cron schedule: %s", spec, msg)
	}
	return nil
}
