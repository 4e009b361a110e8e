package report

import (
	"fmt"
	"strings"

	"github.com/cluebot/cluebot/notify"
)

// DefaultSummaryTop is how many rows of each breakdown a chat summary lists
// when the config does not say.
const DefaultSummaryTop = 5

// ChatSummary returns the numbers for chat robots that cannot take the file:
// the day's total and unrouted count, a 对比 section with the day before and
// the same weekday last week, and the top rows of each breakdown with the
// rest folded into 其他. top <= 0 means DefaultSummaryTop. The hour and date
// breakdowns stay in the file.
func (s *DaySummary) ChatSummary(top int) *notify.Summary {
	if top <= 0 {
		top = DefaultSummaryTop
	}
	title := "线索日报"
	if s.Route != "" {
		title += " · " + s.Route
	}
	out := &notify.Summary{Title: title, Date: s.Date, Total: s.Total.Day, Unrouted: s.Unrouted.Day, FileName: s.FileName}
	if s.Compared {
		out.Sections = append(out.Sections, notify.SummarySection{Title: "对比", Rows: []notify.SummaryRow{
			{Label: "当日", Count: s.Total.Day},
			{Label: "前一日 " + change(s.Total.Day, s.Total.PrevDay), Count: s.Total.PrevDay},
			{Label: "上周同日 " + change(s.Total.Day, s.Total.LastWeek), Count: s.Total.LastWeek},
		}})
	}
	for _, b := range s.Breakdowns {
		if b.Key == BreakdownHour || b.Key == BreakdownDate {
			continue
		}
		sec := notify.SummarySection{Title: b.Title}
		rest := 0
		for _, r := range b.Rows {
			switch {
			case r.Day == 0:
			case len(sec.Rows) < top:
				sec.Rows = append(sec.Rows, notify.SummaryRow{Label: r.Label, Count: r.Day})
			default:
				rest += r.Day
			}
		}
		if rest > 0 {
			sec.Rows = append(sec.Rows, notify.SummaryRow{Label: "其他", Count: rest})
		}
		if len(sec.Rows) > 0 {
			out.Sections = append(out.Sections, sec)
		}
	}
	return out
}

// change describes day against an earlier count: "(+3, +25%)", "(-2)"
// when the earlier count was 0 there is no percentage.
func change(day, before int) string {
	d := day - before
	if before == 0 {
		return fmt.Sprintf("(%+d)", d)
	}
	return fmt.Sprintf("(%+d, %+.0f%%)", d, float64(d)*100/float64(before))
}

// summaryText is the plain-text body of a report e-mail.
func summaryText(s *DaySummary, top int) string {
	cs := s.ChatSummary(top)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n\n线索总数: %d\n未分配路由: %d\n", cs.Title, cs.Date, cs.Total, cs.Unrouted)
	for _, sec := range cs.Sections {
		fmt.Fprintf(&b, "\n%s\n", sec.Title)
		for _, r := range sec.Rows {
			fmt.Fprintf(&b, "  %s: %d\n", r.Label, r.Count)
		}
	}
	if cs.FileName != "" {
		fmt.Fprintf(&b, "\n明细见附件 %s\n", cs.FileName)
	}
	return b.String()
}
