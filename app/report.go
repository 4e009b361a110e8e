package app

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/cluebot/cluebot/atomicfile"
	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/report"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// ReportOptions returns the report options the config and the current
// rules ask for.
func (a *App) ReportOptions() report.Options {
	return ReportOptions(a.Config, a.Rules.Load(), a.AccountNames())
}

// ReportOptions returns the options of the daily report and of every
// export cfg asks for: the zone, the accounts' names (names, from a
// store.Namer), the rules' field mapping (none when rules is nil), masking,
// the split, the form columns and when each route's followup.within runs
// out, in business hours as the reminder's clock (the 跟进 sheet's 按时).
// `cluebot report`, the daemon and `cluebot export` all take them from here.
func ReportOptions(cfg *config.Config, rules *route.Rules, names map[int64]string) report.Options {
	lo := LeadOptions(cfg, rules, names)
	opts := report.Options{Zone: lo.Zone, AccountNames: lo.AccountNames, Fields: lo.Fields,
		MaskPhone: cfg.Report.MaskPhone, SplitBy: cfg.Report.SplitBy, FormColumns: cfg.Report.FormColumns}
	if rules != nil {
		for _, rt := range rules.Routes {
			if rt.Followup != nil && rt.Followup.Within > 0 {
				if opts.Followup == nil {
					opts.Followup = map[string]report.Deadline{}
				}
				opts.Followup[rt.Name] = func(sent time.Time) time.Time { return rules.Deadlines(rt, sent).Within }
			}
		}
	}
	return opts
}

// LeadOptions returns how clues become leads under cfg and rules: the
// zone, the accounts' names (names, from a store.Namer) and the rules'
// field mapping (none when rules is nil). The report, exports and `cluebot rules test` take them from
// here; alerts and the sync's place columns from dispatch.Leads, which
// follows the rules as they are reloaded.
func LeadOptions(cfg *config.Config, rules *route.Rules, names map[int64]string) transform.Options {
	opts := transform.Options{Zone: cfg.Location, AccountNames: names}
	if rules != nil {
		opts.Fields = rules.Fields
	}
	return opts
}

// NewNamer returns the store.Namer of cfg's account names (the YAML
// accounts' and kuaishou.account_names) over those imported into st (nil:
// cluebot.yaml's only).
func NewNamer(cfg *config.Config, st store.AccountNameStore) *store.Namer {
	yaml := make(map[int64]string, len(cfg.Kuaishou.Accounts))
	for _, acct := range cfg.Kuaishou.Accounts {
		yaml[acct.AdvertiserID] = acct.Name
	}
	return store.NewNamer(yaml, cfg.Kuaishou.AccountNames, st, nil)
}

// AccountNames returns the accounts' names of the moment from a.Names; when
// the store cannot be read it logs that and goes on with the names it has.
func (a *App) AccountNames() map[int64]string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	names, err := a.Names.Names(ctx)
	if err != nil {
		a.Log.Warn("account names: using the last known", "err", err)
	}
	return names
}

// Yesterday is the calendar day before now in the configured zone.
func (a *App) Yesterday(now time.Time) time.Time {
	y, m, d := now.In(a.Config.Location).Date()
	return time.Date(y, m, d-1, 0, 0, 0, 0, a.Config.Location)
}

// Report writes the report of day into report.out_dir (or to out, when
// set) and, with send, delivers it to report.receivers. It returns the
// files written.
func (a *App) Report(ctx context.Context, day time.Time, out string, send bool) ([]string, *report.DaySummary, error) {
	opts := a.ReportOptions()
	var files []string
	var sum *report.DaySummary
	var err error
	if out != "" {
		files = []string{out}
		sum, err = writeReportTo(ctx, a, day, opts, out)
	} else {
		files, sum, err = report.WriteFile(ctx, a.Store, day, opts, a.Config.Report.OutDir)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("write report for %s: %w", day.Format(time.DateOnly), err)
	}
	if send {
		if err := report.Deliver(ctx, files, sum, a.reportTargets(), a.Log); err != nil {
			return files, sum, err
		}
	}
	return files, sum, nil
}

// writeReportTo writes the report of day to the file out, whole or not at
// all: a good report already there survives a failed or killed run.
func writeReportTo(ctx context.Context, a *App, day time.Time, opts report.Options, out string) (*report.DaySummary, error) {
	var sum *report.DaySummary
	err := atomicfile.Write(out, func(w io.Writer) error {
		var err error
		sum, err = report.Write(ctx, a.Store, day, opts, w)
		return err
	})
	return sum, err
}

// reportTargets are report.receivers with their senders, built with the
// templates in force (a reloaded summary template applies to the next
// report) and paced with the alerts to the same robots (the deliverers
// share the app's pacer).
func (a *App) reportTargets() []report.Target {
	live := a.Live()
	var out []report.Target
	for _, name := range a.Config.Report.Receivers {
		rc := a.Config.Receivers[name]
		t := report.Target{Name: name, Type: rc.Type, Notifier: live.Notifiers[name], SummaryTop: a.Config.Report.SummaryTop,
			Pacer: live.Deliverer}
		if rc.Type == notify.TypeEmail {
			t.Email = &report.EmailSender{Config: rc.Email}
		}
		out = append(out, t)
	}
	return out
}
