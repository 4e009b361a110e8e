package report

import (
	"fmt"
	"strconv"

	"github.com/xuri/excelize/v2"
)

const (
	detailSheetName  = "明细"
	summarySheetName = "汇总"
	// maxDataRows is how many rows fit below the header of one sheet.
	maxDataRows = excelize.TotalRows - 1
)

// detailSheet names the i-th 明细 sheet: 明细, 明细2, 明细3...
func detailSheet(i int) string {
	if i == 1 {
		return detailSheetName
	}
	return detailSheetName + strconv.Itoa(i)
}

// detailWriter streams rows into 明细 sheets, opening the next sheet when
// one is full. Each sheet gets its widths, column formats and frozen header
// before its first row, and a table (header filter buttons) when closed.
type detailWriter struct {
	f          *excelize.File
	cols       []column
	header     []any
	styles     [kindTime + 1]int // by column kind; 0 for plain text
	bodyStyle  int
	headStyle  int
	scratch    []any // a row with its styled cells wrapped
	limit      int
	reuseFirst bool // sheet 1 exists already (the workbook's first sheet)
	sheets     int
	sw         *excelize.StreamWriter
	rows       int // data rows in the current sheet
	total      int
	// extents are the closed sheets' used ranges (A1:X8001) by name.
	extents map[string]string
}

func newDetailWriter(f *excelize.File, cols []column, limit int, reuseFirst bool) (*detailWriter, error) {
	if limit <= 0 || limit > maxDataRows {
		limit = maxDataRows
	}
	d := &detailWriter{f: f, cols: cols, limit: limit, reuseFirst: reuseFirst, scratch: make([]any, len(cols)),
		extents: map[string]string{}}
	for _, c := range cols {
		d.header = append(d.header, c.title)
	}
	// Every cell is aligned to the top (表单 has several lines) through the
	// row's style, which also spares excelize a look-up per cell.
	dateFmt, top := "yyyy-mm-dd hh:mm:ss", &excelize.Alignment{Vertical: "top"}
	for _, st := range []struct {
		id *int
		s  *excelize.Style
	}{
		{&d.bodyStyle, &excelize.Style{Alignment: top}},
		{&d.styles[kindTime], &excelize.Style{CustomNumFmt: &dateFmt, Alignment: top}},
		{&d.styles[kindID], &excelize.Style{NumFmt: 49, Alignment: top}}, // 49 is "@", text
		{&d.headStyle, &excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "center"}}},
	} {
		var err error
		if *st.id, err = f.NewStyle(st.s); err != nil {
			return nil, fmt.Errorf("detail styles: %w", err)
		}
	}
	return d, nil
}

// open starts the next 明细 sheet and writes its header.
func (d *detailWriter) open() error {
	d.sheets++
	name := detailSheet(d.sheets)
	if d.sheets > 1 || !d.reuseFirst {
		if _, err := d.f.NewSheet(name); err != nil {
			return fmt.Errorf("add sheet %s: %w", name, err)
		}
	}
	if err := setPrint(d.f, name, 1); err != nil {
		return err
	}
	sw, err := d.f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("stream sheet %s: %w", name, err)
	}
	// Widths, formats and panes go before the first row, or they are lost.
	// excelize puts each column set ahead of the others, and Excel wants
	// <col> ascending: set them last to first.
	for i := len(d.cols) - 1; i >= 0; i-- {
		c := d.cols[i]
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return fmt.Errorf("sheet %s: column width: %w", name, err)
		}
		if s := d.styles[c.kind]; s != 0 {
			if err := sw.SetColStyle(i+1, i+1, s); err != nil {
				return fmt.Errorf("sheet %s: column style: %w", name, err)
			}
		}
	}
	err = sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}})
	if err != nil {
		return fmt.Errorf("sheet %s: freeze header: %w", name, err)
	}
	if err := sw.SetRow("A1", d.header, excelize.RowOpts{StyleID: d.headStyle, Height: 20}); err != nil {
		return fmt.Errorf("sheet %s: header: %w", name, err)
	}
	d.sw, d.rows = sw, 0
	return nil
}

// write appends one row, moving to a new sheet when this one is full.
func (d *detailWriter) write(vals []any) error {
	if d.sw != nil && d.rows == d.limit {
		if err := d.close(); err != nil {
			return err
		}
	}
	if d.sw == nil {
		if err := d.open(); err != nil {
			return err
		}
	}
	d.rows++
	d.total++
	for i, v := range vals {
		if s := d.styles[d.cols[i].kind]; s != 0 && v != nil {
			v = excelize.Cell{StyleID: s, Value: v}
		}
		d.scratch[i] = v
	}
	if err := d.sw.SetRow("A"+strconv.Itoa(d.rows+1), d.scratch, excelize.RowOpts{StyleID: d.bodyStyle}); err != nil {
		return fmt.Errorf("sheet %s row %d: %w", detailSheet(d.sheets), d.rows+1, err)
	}
	return nil
}

// close ends the current sheet: its table, then Flush. With no row at all
// it still leaves one 明细 sheet with its header.
func (d *detailWriter) close() error {
	if d.sw == nil {
		if d.sheets > 0 {
			return nil
		}
		if err := d.open(); err != nil {
			return err
		}
	}
	name := detailSheet(d.sheets)
	last, err := excelize.ColumnNumberToName(len(d.cols))
	if err != nil {
		return err
	}
	extent := fmt.Sprintf("A1:%s%d", last, d.rows+1)
	d.extents[name] = extent
	tbl := &excelize.Table{Range: extent, Name: "leads" + strconv.Itoa(d.sheets), StyleName: "TableStyleLight9"}
	if err := d.sw.AddTable(tbl); err != nil {
		return fmt.Errorf("sheet %s: table: %w", name, err)
	}
	if err := d.sw.Flush(); err != nil {
		return fmt.Errorf("sheet %s: flush: %w", name, err)
	}
	d.sw = nil
	return nil
}
