package report

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// zipParts reads every part of an xlsx file.
func zipParts(t *testing.T, b []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	require.NoError(t, err)
	parts := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		data, err := io.ReadAll(rc) // checks the CRC too
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		parts[f.Name] = string(data)
	}
	return parts
}

func TestReportFileStructure(t *testing.T) {
	_, _, b := writeDay(t, newMemSource(dayClues(t)...), reportOpts())
	parts := zipParts(t, b)
	for _, p := range []string{"xl/drawings/drawing1.xml", "xl/charts/chart1.xml", "xl/charts/chart2.xml",
		"xl/charts/chart3.xml", "xl/charts/chart4.xml", "xl/tables/table1.xml"} {
		require.Contains(t, parts, p)
	}
	summary, detail := parts["xl/worksheets/sheet1.xml"], parts["xl/worksheets/sheet2.xml"]
	require.Contains(t, parts["xl/workbook.xml"], `<sheet name="汇总" sheetId="1" r:id="rId1">`)
	require.Contains(t, summary, "<drawing ", "the charts sit on 汇总")
	require.NotContains(t, detail, "<drawing ")
	require.Contains(t, detail, `<pane activePane="bottomLeft" state="frozen" topLeftCell="A2" ySplit="1">`)
	require.Contains(t, detail, "<tableParts count=\"1\">")
	require.Contains(t, parts["xl/tables/table1.xml"], `<autoFilter ref="A1:X6">`)
	mins := regexp.MustCompile(`<col min="(\d+)"`).FindAllStringSubmatch(detail, -1)
	require.Len(t, mins, 24)
	for i, m := range mins {
		require.Equal(t, strconv.Itoa(i+1), m[1], "Excel wants <col> in ascending order")
	}
	require.Less(t, strings.Index(detail, "<cols>"), strings.Index(detail, "<sheetData>"), "widths come before the rows")
	for i := 1; i <= 4; i++ {
		chart := parts["xl/charts/chart"+strconv.Itoa(i)+".xml"]
		require.Contains(t, chart, "&#39;汇总&#39;!$A$", "chart %d plots 汇总's own cells", i)
		require.NotContains(t, chart, "明细")
	}
}

func TestReportCellTypes(t *testing.T) {
	f, _, _ := writeDay(t, newMemSource(dayClues(t)...), reportOpts())
	for _, tc := range []struct {
		name, cell, want string
		typ              excelize.CellType
	}{
		{"22-digit id as text", "A3", "1974516040085363860123", excelize.CellTypeInlineString},
		{"18-digit id as text", "A2", "197451604008536390", excelize.CellTypeInlineString},
		{"phone as text", "D2", "15584418917", excelize.CellTypeInlineString},
		{"page id as text", "T2", "153644601223348224", excelize.CellTypeInlineString},
	} {
		t.Run(tc.name, func(t *testing.T) {
			typ, err := f.GetCellType("明细", tc.cell)
			require.NoError(t, err)
			require.Equal(t, tc.typ, typ)
			v, err := f.GetCellValue("明细", tc.cell, excelize.Options{RawCellValue: true})
			require.NoError(t, err)
			require.Equal(t, tc.want, v)
		})
	}
	// Times are Excel serial numbers in the zone, with a date format.
	for cell, serial := range map[string]string{"B2": "45413", "B3": "45413.354166666664", "X6": "45414.00346064815"} {
		v, err := f.GetCellValue("明细", cell, excelize.Options{RawCellValue: true})
		require.NoError(t, err)
		require.Equal(t, serial, v, cell)
		id, err := f.GetCellStyle("明细", cell)
		require.NoError(t, err)
		st, err := f.GetStyle(id)
		require.NoError(t, err)
		require.NotNil(t, st.CustomNumFmt, cell)
		require.Equal(t, "yyyy-mm-dd hh:mm:ss", *st.CustomNumFmt)
	}
}

func TestReportDayBoundariesIgnoreMachineZone(t *testing.T) {
	local := time.Local
	time.Local = mustZone("America/New_York")
	t.Cleanup(func() { time.Local = local })
	for _, tc := range []struct {
		name string
		day  time.Time
	}{
		{"midnight in the zone", reportDay},
		{"a New York evening that is already May 1 in Shanghai", time.Date(2024, 4, 30, 20, 0, 0, 0, time.Local)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			sum, err := Write(context.Background(), newMemSource(dayClues(t)...), tc.day, reportOpts(), &buf)
			require.NoError(t, err)
			require.Equal(t, "2024-05-01", sum.Date)
			require.Equal(t, 5, sum.Total.Day)
			require.True(t, sum.From.Equal(at("2024-05-01", "00:00:00")))
			f, err := excelize.OpenReader(&buf)
			require.NoError(t, err)
			defer f.Close()
			first, err := f.GetCellValue("明细", "B2")
			require.NoError(t, err)
			last, err := f.GetCellValue("明细", "B6")
			require.NoError(t, err)
			require.Equal(t, []string{"2024-05-01 00:00:00", "2024-05-01 23:59:59"}, []string{first, last})
		})
	}
}

func TestReportMaskPhone(t *testing.T) {
	for _, tc := range []struct {
		name      string
		mask      bool
		phone     string
		formPhone string
	}{
		{"full numbers by default", false, "15584418917", "电话: 15584418917"},
		{"masked", true, "155****8917", "电话: 155****8917"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := reportOpts()
			opts.MaskPhone = tc.mask
			f, _, _ := writeDay(t, newMemSource(dayClues(t)...), opts)
			rows, err := f.GetRows("明细")
			require.NoError(t, err)
			require.Equal(t, tc.phone, cell(t, f, "明细", rows[0], 2, "电话"))
			require.Contains(t, cell(t, f, "明细", rows[0], 2, "表单"), tc.formPhone)
		})
	}
}

func TestReportFailureLeavesNoFile(t *testing.T) {
	src := newMemSource(dayClues(t)...)
	src.err = errors.New("disk on fire")
	dir := t.TempDir()
	files, sum, err := WriteFile(context.Background(), src, reportDay, reportOpts(), dir)
	require.ErrorContains(t, err, "disk on fire")
	require.ErrorContains(t, err, "report 2024-05-01")
	require.Nil(t, files)
	require.Nil(t, sum)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries, "no report, not even half of one")
}

func TestReportUndecodableRowIsKept(t *testing.T) {
	clues := dayClues(t)
	clues[0].Raw = []byte("not json")
	f, sum, _ := writeDay(t, newMemSource(clues...), reportOpts())
	require.Equal(t, 5, sum.Total.Day)
	require.Equal(t, 1, sum.Undecoded)
	rows, err := f.GetRows("明细")
	require.NoError(t, err)
	require.Equal(t, "1974516040085363860123", cell(t, f, "明细", rows[0], 3, "线索ID"))
	require.Equal(t, "高意向", cell(t, f, "明细", rows[0], 3, "意向"), "from the stored columns")
	summary, err := f.GetRows("汇总")
	require.NoError(t, err)
	require.Equal(t, "1", findRow(t, summary, "原始数据无法解析")[1])
}

func TestReportCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Write(ctx, synthSource{n: 10_000}, reportDay, reportOpts(), io.Discard)
	require.ErrorIs(t, err, context.Canceled)
}
