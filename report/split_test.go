package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/cluebot/cluebot/store"
)

// detailIDs returns the clue ids of a 明细 sheet, in order.
func detailIDs(t *testing.T, f *excelize.File, sheet string) []string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	require.NoError(t, err)
	require.Equal(t, "线索ID", rows[0][0])
	ids := []string{}
	for _, r := range rows[1:] {
		ids = append(ids, r[0])
	}
	return ids
}

func TestReportSplitByRoute(t *testing.T) {
	opts := reportOpts()
	opts.SplitBy = SplitByRoute
	dir := filepath.Join(t.TempDir(), "reports")
	files, sum, err := WriteFile(context.Background(), newMemSource(dayClues(t)...), reportDay, opts, dir)
	require.NoError(t, err)
	require.Equal(t, 5, sum.Total.Day)
	fi, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), fi.Mode().Perm())
	for _, tc := range []struct {
		name, file string
		ids        []string
		total      Counts
	}{
		{"the main file has every clue, the unrouted too", "cluebot-2024-05-01.xlsx",
			[]string{"197451604008536390", "1974516040085363860123", "197451604008536387", "197451604008536395", "197451604008536391"},
			Counts{Day: 5, PrevDay: 1, LastWeek: 1}},
		{"everything-else", "cluebot-2024-05-01-everything-else.xlsx",
			[]string{"197451604008536390", "197451604008536391"}, Counts{Day: 2, LastWeek: 1}},
		{"henan-hot", "cluebot-2024-05-01-henan-hot.xlsx",
			[]string{"197451604008536390", "1974516040085363860123"}, Counts{Day: 2, PrevDay: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.file)
			require.Contains(t, files, path)
			fi, err := os.Stat(path)
			require.NoError(t, err)
			require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
			f, err := excelize.OpenFile(path)
			require.NoError(t, err)
			defer f.Close()
			require.Equal(t, tc.ids, detailIDs(t, f, "明细"))
			rows, err := f.GetRows("汇总")
			require.NoError(t, err)
			total := findRow(t, rows, "线索总数")
			require.Equal(t, []string{itoa(tc.total.Day), itoa(tc.total.PrevDay)}, total[1:3])
			require.Equal(t, itoa(tc.total.LastWeek), total[5])
		})
	}
	require.Equal(t, filepath.Join(dir, "cluebot-2024-05-01.xlsx"), files[0], "the main file first")
	require.Len(t, files, 3)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 3, "no temporary file left behind")
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestFileSafeRouteNames(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "henan-hot", "henan-hot"},
		{"chinese", "河南/热线", "河南_热线"},
		{"traversal", "../../etc", "_.._etc"},
		{"dots only", "..", "_"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, fileSafe(tc.in))
		})
	}
}

func TestReportSplitsSheetsPastTheRowLimit(t *testing.T) {
	var clues []store.Clue
	for i := 0; i < 5; i++ {
		id := "19745160400853640" + itoa(i)
		clues = append(clues, variant(t, id, at("2024-05-01", "10:00:00").Add(time.Duration(i)*time.Minute), nil))
	}
	opts := reportOpts()
	opts.sheetRows = 2
	f, sum, b := writeDay(t, newMemSource(clues...), opts)
	require.Equal(t, 5, sum.Total.Day)
	require.Equal(t, []string{"汇总", "明细", "明细2", "明细3"}, f.GetSheetList())
	var ids []string
	for _, sheet := range []string{"明细", "明细2", "明细3"} {
		ids = append(ids, detailIDs(t, f, sheet)...)
	}
	require.Equal(t, []string{"197451604008536400", "197451604008536401", "197451604008536402",
		"197451604008536403", "197451604008536404"}, ids, "in order, no row lost or doubled")
	parts := zipParts(t, b)
	for i, ref := range []string{"A1:X3", "A1:X3", "A1:X2"} {
		table := parts["xl/tables/table"+itoa(i+1)+".xml"]
		require.Contains(t, table, `<autoFilter ref="`+ref+`">`, "table %d", i+1)
	}
	for i := 2; i <= 4; i++ {
		require.Contains(t, parts["xl/worksheets/sheet"+itoa(i)+".xml"], `state="frozen"`)
	}
}

func TestReportEmptyDay(t *testing.T) {
	f, sum, b := writeDay(t, newMemSource(), reportOpts())
	require.Equal(t, Counts{}, sum.Total)
	require.Equal(t, []string{"汇总", "明细"}, f.GetSheetList())
	rows, err := f.GetRows("明细")
	require.NoError(t, err)
	require.Len(t, rows, 1, "the header alone")
	parts := zipParts(t, b)
	require.Contains(t, parts, "xl/charts/chart1.xml")
	require.Contains(t, parts["xl/worksheets/sheet2.xml"], "<tableParts")
	summary, err := f.GetRows("汇总")
	require.NoError(t, err)
	require.Equal(t, "0", findRow(t, summary, "线索总数")[1])
	require.Equal(t, "0", findRow(t, summary, "(无)")[1])
}

func TestWriteRange(t *testing.T) {
	var buf bytes.Buffer
	filter := store.ClueFilter{From: at("2024-04-30", "00:00:00"), To: at("2024-05-02", "00:00:00")}
	n, err := WriteRange(context.Background(), newMemSource(dayClues(t)...), filter, reportOpts(), &buf)
	require.NoError(t, err)
	require.Equal(t, 6, n, "the two days' clues")
	f, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	defer f.Close()
	require.Equal(t, []string{"明细", "汇总"}, f.GetSheetList(), "an export opens on its rows")
	require.Equal(t, 0, f.GetActiveSheetIndex())
	require.Len(t, detailIDs(t, f, "明细"), 6)
	rows, err := f.GetRows("汇总")
	require.NoError(t, err)
	require.Equal(t, "线索导出 2024-04-30 00:00 – 2024-05-02 00:00", rows[0][0])
	require.Equal(t, []string{"线索总数", "6"}, findRow(t, rows, "线索总数"))
	require.Equal(t, []string{"日期", "线索数"}, findRow(t, rows, "日期"))
	require.Equal(t, []string{"2024-04-30", "1"}, findRow(t, rows, "2024-04-30"))
	require.Equal(t, []string{"2024-05-01", "5"}, findRow(t, rows, "2024-05-01"))
}
