package report

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// chartTop is how many rows of a long breakdown (pages, cities) a chart shows.
const chartTop = 10

// A chart's size in pixels, and the rows from one chart to the next: small
// enough that 汇总, tables and charts, prints one page wide without
// shrinking its numbers out of reach.
const (
	chartWidth  = 480
	chartHeight = 300
	chartRows   = 16
)

// chartSpec is one chart of 汇总.
type chartSpec struct {
	key   string
	title string
	typ   excelize.ChartType
	top   int // 0: every row
}

var summaryCharts = []chartSpec{
	{BreakdownHour, "各时段线索数", excelize.Col, 0},
	{BreakdownPage, "落地页线索数 (前 10)", excelize.Bar, chartTop},
	{BreakdownCity, "城市线索数 (前 10)", excelize.Bar, chartTop},
	{BreakdownIntention, "意向分布", excelize.Col, 0},
}

// addCharts draws the main breakdowns beside their tables on 汇总. Every
// series points at 汇总's own cells, never at a streamed 明细 sheet.
func addCharts(f *excelize.File, s *DaySummary, blocks map[string]block) error {
	anchor := "D"
	if s.Compared {
		anchor = "J"
	}
	row := 2
	for _, c := range summaryCharts {
		bl, ok := blocks[c.key]
		if !ok {
			continue
		}
		last := bl.last
		if c.top > 0 && last-bl.first+1 > c.top {
			last = bl.first + c.top - 1
		}
		ref := func(col string) excelize.ChartSeries {
			return excelize.ChartSeries{
				Name:       fmt.Sprintf("'%s'!$%s$%d", summarySheetName, col, bl.header),
				Categories: fmt.Sprintf("'%s'!$A$%d:$A$%d", summarySheetName, bl.first, last),
				Values:     fmt.Sprintf("'%s'!$%s$%d:$%s$%d", summarySheetName, col, bl.first, col, last),
			}
		}
		ch := &excelize.Chart{
			Type:      c.typ,
			Series:    []excelize.ChartSeries{ref("B")},
			Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: c.title}}},
			Legend:    excelize.ChartLegend{Position: "bottom"},
			Dimension: excelize.ChartDimension{Width: chartWidth, Height: chartHeight},
			XAxis:     excelize.ChartAxis{ReverseOrder: c.typ == excelize.Bar},
			YAxis:     excelize.ChartAxis{MajorGridLines: true},
		}
		var combo []*excelize.Chart
		if s.Compared {
			switch c.key {
			case BreakdownHour:
				// Today as columns, the comparison days as lines over them.
				combo = append(combo, &excelize.Chart{Type: excelize.Line, Series: []excelize.ChartSeries{ref("C"), ref("F")}})
			default:
				ch.Series = append(ch.Series, ref("C"), ref("F"))
			}
		}
		if err := f.AddChart(summarySheetName, fmt.Sprintf("%s%d", anchor, row), ch, combo...); err != nil {
			return fmt.Errorf("chart %s: %w", c.title, err)
		}
		row += chartRows
	}
	return nil
}
