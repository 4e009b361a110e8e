package report

import (
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"
)

// 汇总's first rows, the title and the KPIs' header, stay on screen and
// head every printed page; its columns are narrow enough for a phone.
const (
	summaryHeadRows   = 2
	summaryLabelWidth = 22
	summaryCountWidth = 10
)

// block is where one breakdown sits on 汇总: its header row and data rows.
type block struct{ header, first, last int }

var weekdays = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// summaryStyles are the 汇总 sheet's cell styles.
type summaryStyles struct{ title, note, head, diff, pct int }

func newSummaryStyles(f *excelize.File) (summaryStyles, error) {
	var st summaryStyles
	diff, pct := "+0;-0;0", "+0.0%;-0.0%;0.0%"
	specs := []struct {
		id *int
		s  *excelize.Style
	}{
		{&st.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&st.note, &excelize.Style{Font: &excelize.Font{Size: 9, Color: "666666"}}},
		{&st.head, &excelize.Style{Font: &excelize.Font{Bold: true},
			Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Border: []excelize.Border{{Type: "bottom", Color: "9BC2E6", Style: 1}}}},
		{&st.diff, &excelize.Style{CustomNumFmt: &diff}},
		{&st.pct, &excelize.Style{CustomNumFmt: &pct}},
	}
	for _, sp := range specs {
		id, err := f.NewStyle(sp.s)
		if err != nil {
			return st, err
		}
		*sp.id = id
	}
	return st, nil
}

// writeSummarySheet writes the numbers of s on 汇总 (a normal sheet) and
// returns where each breakdown is, for the charts.
func writeSummarySheet(f *excelize.File, s *DaySummary, now time.Time) (map[string]block, error) {
	const sh = summarySheetName
	st, err := newSummaryStyles(f)
	if err != nil {
		return nil, err
	}
	head := []any{"指标", "线索数"}
	if s.Compared {
		head = []any{"指标", "当日", "前一日", "较前一日", "较前一日%", "上周同日", "较上周同日", "较上周同日%"}
	}
	lastCol, _ := excelize.ColumnNumberToName(len(head))
	notes := []string{"统计范围: " + s.span() + " (" + s.Zone.String() + "), 按线索创建时间"}
	if s.Compared {
		prev, week := s.From.AddDate(0, 0, -1), s.From.AddDate(0, 0, -7)
		notes = append(notes, fmt.Sprintf("对比: 前一日 %s · 上周同日 %s (%s)", prev.Format(time.DateOnly),
			week.Format(time.DateOnly), weekdays[week.Weekday()]))
	}
	notes = append(notes, fmt.Sprintf("生成时间: %s · 明细共 %d 行", now.In(s.Zone).Format(time.DateTime), s.Total.Day))
	// The first screen, on a phone too: the title, then the KPIs at the
	// top left under their header (both frozen), the notes below them.
	w := &sheetWriter{f: f, sheet: sh, st: st, compare: s.Compared, lastCol: lastCol}
	w.put(1, []any{s.title()}, st.title)
	w.put(summaryHeadRows, head, st.head)
	row := summaryHeadRows
	kpis := []BreakdownRow{{"线索总数", s.Total}, {"未分配路由", s.Unrouted}, {"待路由", s.Waiting}}
	if s.Undecoded > 0 {
		kpis = append(kpis, BreakdownRow{"原始数据无法解析", Counts{Day: s.Undecoded}})
	}
	for _, k := range kpis {
		row++
		w.counts(row, k)
	}
	row++
	for _, n := range notes {
		row++
		w.put(row, []any{n}, st.note)
	}
	blocks := map[string]block{}
	for _, b := range s.Breakdowns {
		row += 2
		h := append([]any{b.Title}, head[1:]...)
		w.put(row, h, st.head)
		bl := block{header: row, first: row + 1}
		rows := b.Rows
		if len(rows) == 0 {
			rows = []BreakdownRow{{Label: "(无)"}}
		}
		for _, r := range rows {
			row++
			w.counts(row, r)
		}
		bl.last = row
		blocks[b.Key] = bl
	}
	if w.err != nil {
		return nil, w.err
	}
	// excelize leaves the dimension at A1: readers that trust it would
	// see one cell.
	end, _ := excelize.CoordinatesToCellName(w.cols, w.rows)
	if err := f.SetSheetDimension(sh, "A1:"+end); err != nil {
		return nil, err
	}
	// Narrow enough that a phone's preview shows the labels, the day and
	// the day before on its first screen.
	if err := f.SetColWidth(sh, "A", "A", summaryLabelWidth); err != nil {
		return nil, err
	}
	if err := f.SetColWidth(sh, "B", lastCol, summaryCountWidth); err != nil {
		return nil, err
	}
	top := fmt.Sprintf("A%d", summaryHeadRows+1)
	err = f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: summaryHeadRows, TopLeftCell: top, ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: top, ActiveCell: top, Pane: "bottomLeft"}}})
	if err != nil {
		return nil, fmt.Errorf("freeze header: %w", err)
	}
	return blocks, setPrint(f, sh, summaryHeadRows)
}

// sheetWriter writes 汇总 rows, keeping the first error.
type sheetWriter struct {
	f       *excelize.File
	sheet   string
	st      summaryStyles
	compare bool
	lastCol string
	err     error
	// rows and cols are the extent written so far.
	rows, cols int
}

func (w *sheetWriter) put(row int, vals []any, style int) {
	if w.err != nil {
		return
	}
	w.rows, w.cols = max(w.rows, row), max(w.cols, len(vals))
	a := fmt.Sprintf("A%d", row)
	if w.err = w.f.SetSheetRow(w.sheet, a, &vals); w.err == nil && style != 0 {
		end := a
		if len(vals) > 1 {
			end = fmt.Sprintf("%s%d", w.lastCol, row)
		}
		w.err = w.f.SetCellStyle(w.sheet, a, end, style)
	}
}

// counts writes a label and its counts, with the changes when comparing.
func (w *sheetWriter) counts(row int, r BreakdownRow) {
	if !w.compare {
		w.put(row, []any{r.Label, r.Day}, 0)
		return
	}
	w.put(row, []any{r.Label, r.Day, r.PrevDay, r.Day - r.PrevDay, ratio(r.Day, r.PrevDay),
		r.LastWeek, r.Day - r.LastWeek, ratio(r.Day, r.LastWeek)}, 0)
	for _, c := range []struct {
		col   string
		style int
	}{{"D", w.st.diff}, {"E", w.st.pct}, {"G", w.st.diff}, {"H", w.st.pct}} {
		if w.err == nil {
			cell := fmt.Sprintf("%s%d", c.col, row)
			w.err = w.f.SetCellStyle(w.sheet, cell, cell, c.style)
		}
	}
}

// ratio is the relative change from before to day, or nil (a blank cell)
// when before is 0.
func ratio(day, before int) any {
	if before == 0 {
		return nil
	}
	return float64(day-before) / float64(before)
}
