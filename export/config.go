// Package export writes stored leads out for people and other systems: JSON
// lines and CSV for integrations, and the daily Excel report for managers.
package export

import "fmt"

// ReportConfig is the `report:` section of cluebot.yaml.
type ReportConfig struct {
	Schedule  string   `koanf:"schedule"` // cron in the configured zone
	OutDir    string   `koanf:"out_dir"`
	Receivers []string `koanf:"receivers"`
	SplitBy   string   `koanf:"split_by"` // "" or "route"
	MaskPhone bool     `koanf:"mask_phone"`
}

// Validate checks the section.
func (c *ReportConfig) Validate() error {
	switch c.SplitBy {
	case "", "route":
	default:
		return fmt.Errorf("report.split_by: %q is not one of route or empty", c.SplitBy)
	}
	if c.OutDir == "" {
		return fmt.Errorf("report.out_dir: must be set")
	}
	return nil
}
