package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/cluebot/cluebot/notify"
)

func TestReportSummaryNumbers(t *testing.T) {
	f, sum, _ := writeDay(t, newMemSource(dayClues(t)...), reportOpts())
	require.Equal(t, "2024-05-01", sum.Date)
	require.Equal(t, "cluebot-2024-05-01.xlsx", sum.FileName)
	require.True(t, sum.Compared)
	require.Equal(t, Counts{Day: 5, PrevDay: 1, LastWeek: 1}, sum.Total)
	require.Equal(t, Counts{Day: 1}, sum.Unrouted)
	require.Equal(t, Counts{Day: 1}, sum.Waiting)
	for _, tc := range []struct {
		name, key, label string
		want             Counts
	}{
		{"page on all three days", BreakdownPage, "王测试表单打点1", Counts{Day: 2, PrevDay: 1}},
		{"page last week", BreakdownPage, "宝马X3试驾", Counts{Day: 1, LastWeek: 1}},
		{"page missing", BreakdownPage, labelNoPage, Counts{Day: 2}},
		{"city from a form today", BreakdownCity, "郑州", Counts{Day: 2}},
		{"city from store_info", BreakdownCity, "洛阳", Counts{Day: 1, LastWeek: 1}},
		{"intention", BreakdownIntention, "高价值客户", Counts{Day: 1}},
		{"source type", BreakdownSource, "智能电话", Counts{Day: 1}},
		{"call status", BreakdownCall, "未标记", Counts{Day: 4, PrevDay: 1, LastWeek: 1}},
		{"route counted once per clue", BreakdownRoute, "henan-hot", Counts{Day: 2, PrevDay: 1}},
		{"second route", BreakdownRoute, "everything-else", Counts{Day: 2, LastWeek: 1}},
		{"unrouted", BreakdownRoute, labelUnrouted, Counts{Day: 1}},
		{"not routed yet", BreakdownRoute, labelNotRouted, Counts{Day: 1}},
		{"delivery", BreakdownDelivery, "已送达", Counts{Day: 1, PrevDay: 1, LastWeek: 1}},
		{"midnight hour", BreakdownHour, "00:00", Counts{Day: 1}},
		{"last hour", BreakdownHour, "23:00", Counts{Day: 1, PrevDay: 1}},
		{"week before's hour", BreakdownHour, "10:00", Counts{LastWeek: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := sum.Breakdown(tc.key)
			require.NotNil(t, b)
			require.Equal(t, tc.want, b.Row(tc.label).Counts)
		})
	}
	require.Len(t, sum.Breakdown(BreakdownHour).Rows, 24)
	require.Nil(t, sum.Breakdown(BreakdownDate), "a day has no date breakdown")
	pages := sum.Breakdown(BreakdownPage).Rows
	require.Equal(t, "王测试表单打点1", pages[0].Label, "the day's count, then the day before's, orders rows")

	// The sheet shows the same numbers, with the changes.
	rows, err := f.GetRows("汇总")
	require.NoError(t, err)
	require.Equal(t, "线索日报 2024-05-01", rows[0][0])
	notes := ""
	for _, r := range rows[:12] {
		if len(r) == 1 {
			notes += r[0] + "\n"
		}
	}
	require.Contains(t, notes, "对比: 前一日 2024-04-30 · 上周同日 2024-04-24 (星期三)", "the notes under the KPIs")
	total := findRow(t, rows, "线索总数")
	require.Equal(t, []string{"线索总数", "5", "1", "+4", "+400.0%", "1", "+4", "+400.0%"}, total)
	raw, err := f.GetRows("汇总", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	page := findRow(t, raw, "宝马X3试驾")
	require.Equal(t, []string{"宝马X3试驾", "1", "0", "1", "", "1", "0", "0"}, page, "no percentage against 0")
	require.Equal(t, []string{"时段", "当日", "前一日", "较前一日", "较前一日%", "上周同日", "较上周同日", "较上周同日%"},
		findRow(t, rows, "时段"))
}

// findRow returns the first row whose first cell is label.
func findRow(t *testing.T, rows [][]string, label string) []string {
	t.Helper()
	for _, r := range rows {
		if len(r) > 0 && r[0] == label {
			return r
		}
	}
	require.Failf(t, "no row", "%q not on the sheet", label)
	return nil
}

func TestChatSummary(t *testing.T) {
	_, sum, _ := writeDay(t, newMemSource(dayClues(t)...), reportOpts())
	cs := sum.ChatSummary(1)
	require.Equal(t, "线索日报", cs.Title)
	require.Equal(t, "2024-05-01", cs.Date)
	require.Equal(t, 5, cs.Total)
	require.Equal(t, 1, cs.Unrouted)
	require.Equal(t, "cluebot-2024-05-01.xlsx", cs.FileName)
	require.Equal(t, notify.SummarySection{Title: "对比", Rows: []notify.SummaryRow{
		{Label: "当日", Count: 5}, {Label: "前一日 (+4, +400%)", Count: 1}, {Label: "上周同日 (+4, +400%)", Count: 1},
	}}, cs.Sections[0])
	var pages *notify.SummarySection
	for i, s := range cs.Sections {
		require.NotEqual(t, "时段", s.Title, "hours stay in the file")
		if s.Title == "落地页" {
			pages = &cs.Sections[i]
		}
	}
	require.NotNil(t, pages)
	require.Equal(t, []notify.SummaryRow{{Label: "王测试表单打点1", Count: 2}, {Label: "其他", Count: 3}}, pages.Rows,
		"the top row, then the rest folded, leaving out pages with none today")
	require.Len(t, sum.ChatSummary(0).Sections[1].Rows, 3, "0 means the default top")
	text := summaryText(sum, 0)
	require.True(t, strings.HasPrefix(text, "线索日报 2024-05-01\n\n线索总数: 5\n未分配路由: 1\n"), text)
}
