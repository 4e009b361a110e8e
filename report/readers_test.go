package report

import (
	"bytes"
	"context"
	"encoding/xml"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/cluebot/cluebot/store"
)

var (
	dimensionRef = regexp.MustCompile(`<dimension ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"`)
	cellRef      = regexp.MustCompile(`<c r="([A-Z]+)(\d+)"`)
)

// requireTrueExtents checks that every worksheet's <dimension> is exactly
// the range its cells fill.
func requireTrueExtents(t *testing.T, parts map[string]string) {
	t.Helper()
	sheets := 0
	for name, xmlText := range parts {
		if !strings.HasPrefix(name, "xl/worksheets/sheet") {
			continue
		}
		sheets++
		m := dimensionRef.FindStringSubmatch(xmlText)
		require.NotNil(t, m, "%s: a dimension with a range: %.300s", name, xmlText)
		require.Equal(t, []string{"A", "1"}, m[1:3], name)
		maxCol, maxRow := 0, 0
		for _, c := range cellRef.FindAllStringSubmatch(xmlText, -1) {
			col, err := excelize.ColumnNameToNumber(c[1])
			require.NoError(t, err)
			row, err := strconv.Atoi(c[2])
			require.NoError(t, err)
			maxCol, maxRow = max(maxCol, col), max(maxRow, row)
		}
		lastCol, err := excelize.ColumnNumberToName(maxCol)
		require.NoError(t, err)
		require.Equal(t, lastCol+strconv.Itoa(maxRow), m[3]+m[4], "%s: the dimension holds every cell, and no more", name)
	}
	require.GreaterOrEqual(t, sheets, 2)
}

// coreProps is docProps/core.xml as readers that mind the prefixes see it.
type coreProps struct {
	XMLName  xml.Name
	Title    string `xml:"http://purl.org/dc/elements/1.1/ title"`
	Creator  string `xml:"http://purl.org/dc/elements/1.1/ creator"`
	Modified struct {
		Type string `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr"`
		Text string `xml:",chardata"`
	} `xml:"http://purl.org/dc/terms/ modified"`
	Created struct {
		Type string `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr"`
		Text string `xml:",chardata"`
	} `xml:"http://purl.org/dc/terms/ created"`
}

// requireCoreProps checks the core properties use the cp: prefix (ExcelJS
// reads nothing else) and were modified between from and to.
func requireCoreProps(t *testing.T, parts map[string]string, title string, from, to time.Time) {
	t.Helper()
	core := parts["docProps/core.xml"]
	require.Regexp(t, `^<\?xml[^>]*\?>\s*<cp:coreProperties `, core)
	require.Contains(t, core, `xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"`)
	var p coreProps
	require.NoError(t, xml.Unmarshal([]byte(core), &p))
	require.Equal(t, "http://schemas.openxmlformats.org/package/2006/metadata/core-properties", p.XMLName.Space)
	require.Equal(t, "coreProperties", p.XMLName.Local)
	require.Equal(t, title, p.Title)
	require.Equal(t, "cluebot", p.Creator)
	for _, d := range []struct{ typ, text string }{{p.Created.Type, p.Created.Text}, {p.Modified.Type, p.Modified.Text}} {
		require.Equal(t, "dcterms:W3CDTF", d.typ)
		at, err := time.Parse(time.RFC3339, d.text)
		require.NoError(t, err)
		require.False(t, at.Before(from.Truncate(time.Second)) || at.After(to), "%s not in [%s, %s]", at, from, to)
	}
}

func TestReportIsReadByOtherPrograms(t *testing.T) {
	opts := reportOpts()
	opts.Now = nil // the real time
	from := time.Now()
	var buf bytes.Buffer
	_, err := Write(context.Background(), newMemSource(dayClues(t)...), reportDay, opts, &buf)
	require.NoError(t, err)
	parts := zipParts(t, buf.Bytes())
	requireTrueExtents(t, parts)
	require.Contains(t, parts["xl/worksheets/sheet2.xml"], `<dimension ref="A1:X6"/>`, "明细: a header and 5 clues")
	requireCoreProps(t, parts, "线索日报 2024-05-01", from, time.Now())
	require.Equal(t, time.Now().UTC().Format(time.DateOnly), regexp.MustCompile(`<dcterms:modified[^>]*>(\d{4}-\d\d-\d\d)`).
		FindStringSubmatch(parts["docProps/core.xml"])[1], "modified today")

	f, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	defer f.Close()
	props, err := f.GetDocProps()
	require.NoError(t, err)
	require.Equal(t, "线索日报 2024-05-01", props.Title)
}

func TestEmptyReportHasTrueExtents(t *testing.T) {
	var buf bytes.Buffer
	_, err := Write(context.Background(), newMemSource(), reportDay, reportOpts(), &buf)
	require.NoError(t, err)
	parts := zipParts(t, buf.Bytes())
	requireTrueExtents(t, parts)
	require.Contains(t, parts["xl/worksheets/sheet2.xml"], `<dimension ref="A1:X1"/>`, "明细: its header only")
}

func TestExportIsReadByOtherPrograms(t *testing.T) {
	opts := reportOpts()
	opts.sheetRows = 4 // 明细 and 明细2
	var buf bytes.Buffer
	filter := store.ClueFilter{From: at("2024-04-30", "00:00:00"), To: at("2024-05-02", "00:00:00")}
	n, err := WriteRange(context.Background(), newMemSource(dayClues(t)...), filter, opts, &buf)
	require.NoError(t, err)
	require.Equal(t, 6, n)
	parts := zipParts(t, buf.Bytes())
	requireTrueExtents(t, parts)
	require.Contains(t, parts["xl/worksheets/sheet1.xml"], `<dimension ref="A1:X5"/>`)
	now := opts.now()
	requireCoreProps(t, parts, "线索导出 2024-04-30 00:00 – 2024-05-02 00:00", now, now)
}

func TestDimFixerWhateverTheWrites(t *testing.T) {
	sheet := `<?xml version="1.0"?><worksheet><dimension ref="A1"></dimension><sheetViews/><sheetData><row r="1"/></sheetData></worksheet>`
	want := strings.Replace(sheet, `<dimension ref="A1"></dimension>`, `<dimension ref="A1:C9"/>`, 1)
	for _, size := range []int{1, 3, 7, 16, 50, len(sheet)} {
		var out bytes.Buffer
		d := &dimFixer{w: &out, ref: "A1:C9"}
		for rest := sheet; rest != ""; {
			k := min(size, len(rest))
			n, err := d.Write([]byte(rest[:k]))
			require.NoError(t, err)
			require.Equal(t, k, n)
			rest = rest[k:]
		}
		require.NoError(t, d.flush())
		require.Equal(t, want, out.String(), "writes of %d bytes", size)
	}
}
