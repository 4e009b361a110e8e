package console

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/cluebot/cluebot/report"
	"github.com/cluebot/cluebot/store"
)

// ReportDays is how many days back the reports page lists.
const ReportDays = 30

// xlsxType is the workbook's media type.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// reportDay is one day of the reports page.
type reportDay struct {
	Date  string // YYYY-MM-DD
	Leads int
}

// reportOptions are the daily report's options for role: the daemon's
// (rules' fields, form columns, account names) when it passed them, with
// phones masked for everyone but admins.
func (c *Console) reportOptions(ctx context.Context, role string) report.Options {
	var opts report.Options
	if c.report != nil {
		opts = c.report()
		opts.Zone = c.zone
	} else {
		opts = report.Options{Zone: c.zone, AccountNames: c.accountNames(ctx)}
	}
	if role != store.RoleAdmin {
		opts.MaskPhone = true
	}
	return opts
}

// reportsPage is GET /reports: the last ReportDays days that have leads,
// newest first, each with its workbook made from the store on request.
func (c *Console) reportsPage(w http.ResponseWriter, r *http.Request, s *store.Session) {
	now := c.clock.Now().In(c.zone)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, c.zone)
	from := today.AddDate(0, 0, -(ReportDays - 1))
	// One query: counts by quarter hour, summed per day in the zone.
	groups, err := c.st.CountClueGroups(r.Context(), store.ClueFilter{From: from, To: today.AddDate(0, 0, 1)}, store.GroupQuarter)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	perDay := map[string]int{}
	for _, g := range groups {
		perDay[g.Start.In(c.zone).Format(time.DateOnly)] += g.Count
	}
	var days []reportDay
	for d := today; !d.Before(from); d = d.AddDate(0, 0, -1) {
		if n := perDay[d.Format(time.DateOnly)]; n > 0 {
			days = append(days, reportDay{Date: d.Format(time.DateOnly), Leads: n})
		}
	}
	c.render(w, r, http.StatusOK, "reports", s, map[string]any{"Days": days, "Masked": s.Role != store.RoleAdmin})
}

// reportDownload is GET /reports/{file}: file is YYYY-MM-DD.xlsx, or the
// report file's own name cluebot-YYYY-MM-DD.xlsx, and nothing else, parsed
// strictly; the day's workbook is made from the store
// now, never read from a path, phones masked for viewers.
func (c *Console) reportDownload(w http.ResponseWriter, r *http.Request, s *store.Session) {
	day, ok := reportDate(r.PathValue("file"), c.zone)
	if !ok {
		c.problem(w, r, http.StatusNotFound, "没有这份报表：地址应为 /reports/YYYY-MM-DD.xlsx")
		return
	}
	var buf bytes.Buffer
	if _, err := report.Write(r.Context(), c.st, day, c.reportOptions(r.Context(), s.Role), &buf); err != nil {
		c.fail(w, r, err)
		return
	}
	name := "cluebot-" + day.Format(time.DateOnly) + ".xlsx"
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, _ = w.Write(buf.Bytes())
}

// reportDate parses file as YYYY-MM-DD.xlsx, with or without the report
// file's cluebot- prefix, exactly (a real calendar day, the same text when
// formatted back) in zone.
func reportDate(file string, zone *time.Location) (time.Time, bool) {
	date, ok := strings.CutSuffix(strings.TrimPrefix(file, "cluebot-"), ".xlsx")
	if !ok || len(date) != len(time.DateOnly) {
		return time.Time{}, false
	}
	day, err := time.ParseInLocation(time.DateOnly, date, zone)
	if err != nil || day.Format(time.DateOnly) != date {
		return time.Time{}, false
	}
	return day, true
}
