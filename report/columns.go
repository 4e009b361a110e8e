package report

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// colKind says how a 明细 column's cells are typed and formatted.
type colKind int

const (
	kindText colKind = iota // a string
	kindID                  // a string in a text-formatted column: ids, phones
	kindTime                // an Excel datetime with a date format
)

// rowCtx is what a column reads one row's value from.
type rowCtx struct {
	l       *transform.Lead
	c       *store.Clue
	account string
}

// column is one 明细 column: its header, width (in characters), kind and
// value. A nil value leaves the cell out.
type column struct {
	title string
	width float64
	kind  colKind
	value func(r *rowCtx) any
}

// formColumn is the index of 表单 in baseColumns: FormColumns follow it.
const formColumn = 9

var baseColumns = []column{
	{"线索ID", 22, kindID, func(r *rowCtx) any { return text(r.l.ID) }},
	{"创建时间", 19, kindTime, func(r *rowCtx) any { return when(r.l.CreateTime) }},
	{"姓名", 12, kindText, func(r *rowCtx) any { return text(r.l.UserName) }},
	{"电话", 15, kindID, func(r *rowCtx) any { return text(r.l.Phone) }},
	{"意向", 12, kindText, func(r *rowCtx) any { return text(r.l.IntentionLabel) }},
	{"落地页", 28, kindText, func(r *rowCtx) any { return text(r.l.PageName) }},
	{"省份", 8, kindText, func(r *rowCtx) any { return text(r.l.Province) }},
	{"城市", 10, kindText, func(r *rowCtx) any { return text(r.l.City) }},
	{"门店", 18, kindText, func(r *rowCtx) any { return text(r.l.Store) }},
	{"表单", 48, kindText, func(r *rowCtx) any { return text(formLines(r.l.Answers)) }},
	{"路由", 18, kindText, func(r *rowCtx) any { return text(strings.Join(r.c.Routes, ", ")) }},
	{"负责人", 12, kindText, func(r *rowCtx) any { return text(joinNonEmpty(r.c.Assignees)) }},
	{"投递状态", 11, kindText, func(r *rowCtx) any { return deliveryOf(r.c).status() }},
	{"来源类型", 10, kindText, func(r *rowCtx) any { return text(r.l.SourceTypeLabel) }},
	{"通话状态", 18, kindText, func(r *rowCtx) any { return text(r.l.PhoneStatLabel) }},
	{"线索标签", 10, kindText, func(r *rowCtx) any { return text(r.l.ClueTagLabel) }},
	{"跟进进度", 10, kindText, func(r *rowCtx) any { return text(r.l.ScheduleLabel) }},
	{"账户", 16, kindText, func(r *rowCtx) any { return text(r.account) }},
	{"广告主ID", 12, kindID, func(r *rowCtx) any { return id(strconv.FormatInt(r.l.AdvertiserID, 10)) }},
	{"落地页ID", 21, kindID, func(r *rowCtx) any { return id(r.l.PageID) }},
	{"计划ID", 21, kindID, func(r *rowCtx) any { return id(r.l.CampaignID) }},
	{"单元ID", 21, kindID, func(r *rowCtx) any { return id(r.l.UnitID) }},
	{"创意ID", 21, kindID, func(r *rowCtx) any { return id(r.l.CreativeID) }},
	{"更新时间", 19, kindTime, func(r *rowCtx) any { return when(r.l.UpdateTime) }},
}

// detailColumns is baseColumns with a column per form label after 表单. A
// label that clashes with a fixed header is suffixed with (表单).
func detailColumns(formLabels []string) []column {
	cols := make([]column, 0, len(baseColumns)+len(formLabels))
	cols = append(cols, baseColumns[:formColumn+1]...)
	taken := make(map[string]bool, len(baseColumns)+len(formLabels))
	for _, c := range baseColumns {
		taken[c.title] = true
	}
	for _, label := range formLabels {
		title := label
		if taken[title] {
			title += "(表单)"
		}
		if label == "" || taken[title] {
			continue
		}
		taken[title] = true
		cols = append(cols, column{title, 16, kindText, func(r *rowCtx) any { return text(answer(r.l, label)) }})
	}
	return append(cols, baseColumns[formColumn+1:]...)
}

// text leaves empty values out of the row (a smaller file, a blank cell) and
// fits the others in a cell (fitCell).
func text(s string) any {
	if s == "" {
		return nil
	}
	return fitCell(s)
}

// truncatedMark ends a cell that was cut to fit, so a reader knows there is
// more (the jsonl and csv exports carry it whole).
const truncatedMark = "…(已截断)"

// fitCell cuts s to Excel's limit of excelize.TotalCellChars UTF-16 units a
// cell, ending it with truncatedMark. excelize would cut it silently.
func fitCell(s string) string {
	if len(s) <= excelize.TotalCellChars { // never more UTF-16 units than bytes
		return s
	}
	room := excelize.TotalCellChars - len(utf16.Encode([]rune(truncatedMark)))
	units, cut := 0, -1
	for i, r := range s {
		units += utf16.RuneLen(r)
		if cut < 0 && units > room {
			cut = i
		}
		if units > excelize.TotalCellChars {
			return s[:cut] + truncatedMark
		}
	}
	return s
}

// id is text for an id, blank for the vendor's 0 meaning none.
func id(s string) any {
	if s == "0" {
		return nil
	}
	return text(s)
}

func when(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// formLines is the answers as "label: value" lines, in the form's order.
func formLines(answers []transform.Answer) string {
	switch len(answers) {
	case 0:
		return ""
	case 1:
		return answers[0].Label + ": " + answers[0].Value
	}
	var b strings.Builder
	for i, a := range answers {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(a.Label)
		b.WriteString(": ")
		b.WriteString(a.Value)
	}
	return b.String()
}

// answer is the value of every answer labelled label, joined with "; ".
func answer(l *transform.Lead, label string) string {
	var out string
	for _, a := range l.Answers {
		if a.Label == label && a.Value != "" {
			if out != "" {
				out += "; "
			}
			out += a.Value
		}
	}
	return out
}

func joinNonEmpty(s []string) string {
	var b strings.Builder
	for i, v := range s {
		if v == "" || repeated(s, i) {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(v)
	}
	return b.String()
}
