package report

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/cluebot/cluebot/store"
)

// requirePrintLayout checks every sheet of f prints landscape on A4, one
// page wide, with its header rows (titles[sheet] of them) on every page.
func requirePrintLayout(t *testing.T, f *excelize.File, titles map[string]int) {
	t.Helper()
	names := map[string]string{} // scope -> what it repeats
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" {
			names[dn.Scope] = dn.RefersTo
		}
	}
	require.Len(t, f.GetSheetList(), len(titles))
	for _, sheet := range f.GetSheetList() {
		props, err := f.GetSheetProps(sheet)
		require.NoError(t, err)
		require.NotNil(t, props.FitToPage, sheet)
		require.True(t, *props.FitToPage, "%s fits to page", sheet)
		pl, err := f.GetPageLayout(sheet)
		require.NoError(t, err)
		require.Equal(t, "landscape", *pl.Orientation, sheet)
		require.Equal(t, paperA4, *pl.Size, sheet)
		require.Equal(t, 1, *pl.FitToWidth, "%s: one page wide", sheet)
		require.Equal(t, 0, *pl.FitToHeight, "%s: as many pages down as it takes", sheet)
		n := titles[sheet]
		require.NotZero(t, n, sheet)
		require.Equal(t, "'"+sheet+"'!$1:$"+strconv.Itoa(n), names[sheet], "%s repeats its header on every page", sheet)
	}
}

// phoneWidth is about what a phone's file preview shows at first, in
// Excel's character widths (360 pt at some 8 pt each).
const phoneWidth = 45

func TestReportPrintsAndPreviewsWell(t *testing.T) {
	opts := reportOpts()
	opts.sheetRows = 3 // 明细 and 明细2
	f, sum, _ := writeDay(t, newMemSource(dayClues(t)...), opts)
	require.Equal(t, 5, sum.Total.Day)
	requirePrintLayout(t, f, map[string]int{"汇总": 2, "明细": 1, "明细2": 1})

	// 汇总's title and the KPIs' header stay on screen.
	panes, err := f.GetPanes("汇总")
	require.NoError(t, err)
	require.True(t, panes.Freeze)
	require.Equal(t, 2, panes.YSplit)
	require.Zero(t, panes.XSplit)
	require.Equal(t, "A3", panes.TopLeftCell)

	// The first screen on a phone: the KPIs at the top left, their labels,
	// the day and the day before within its width, no merged banner.
	rows, err := f.GetRows("汇总")
	require.NoError(t, err)
	require.Equal(t, "线索日报 2024-05-01", rows[0][0])
	require.Equal(t, []string{"指标", "当日", "前一日"}, rows[1][:3])
	require.Equal(t, []string{"线索总数", "5"}, rows[2][:2])
	require.Equal(t, "未分配路由", rows[3][0])
	require.Equal(t, "待路由", rows[4][0])
	width := 0.0
	for _, col := range []string{"A", "B", "C"} {
		w, err := f.GetColWidth("汇总", col)
		require.NoError(t, err)
		width += w
	}
	require.LessOrEqual(t, width, float64(phoneWidth), "labels, 当日 and 前一日 fit a phone's screen")
	merged, err := f.GetMergeCells("汇总")
	require.NoError(t, err)
	require.Empty(t, merged)
}

func TestExportPrintsWell(t *testing.T) {
	var buf bytes.Buffer
	_, err := WriteRange(context.Background(), newMemSource(dayClues(t)...), store.ClueFilter{}, reportOpts(), &buf)
	require.NoError(t, err)
	f, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	defer f.Close()
	requirePrintLayout(t, f, map[string]int{"明细": 1, "汇总": 2})
	rows, err := f.GetRows("汇总")
	require.NoError(t, err)
	require.Equal(t, []string{"线索总数", "8"}, rows[2][:2])
}
