package report

import (
	"bufio"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// book is one workbook being written: its 明细 stream and the tallies of
// its 汇总. summaryFirst puts 汇总 first (the daily report); otherwise 明细
// comes first (a range export, read by programs too).
type book struct {
	name      string // file name
	route     string // "" for the main file
	f         *excelize.File
	detail    *detailWriter
	tallies   [3]*tally // report day, day before, week before (nil for a range)
	undecoded int
	summary   *DaySummary
	core      []byte    // docProps/core.xml, set by finish
	at        time.Time // when finish was called
}

func newBook(name, route string, opts *Options, cols []column, compare bool) (*book, error) {
	f := excelize.NewFile(excelize.Options{TmpDir: opts.TmpDir})
	b := &book{name: name, route: route, f: f, tallies: [3]*tally{newTally()}}
	if compare {
		b.tallies[1], b.tallies[2] = newTally(), newTally()
	}
	// The daily report opens on 汇总; an export opens on 明细.
	first := detailSheet(1)
	if compare {
		first = summarySheetName
	}
	if err := f.SetSheetName(f.GetSheetName(0), first); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("name first sheet: %w", err)
	}
	var err error
	if b.detail, err = newDetailWriter(f, cols, opts.sheetRows, !compare); err != nil {
		_ = f.Close()
		return nil, err
	}
	return b, nil
}

// add writes one clue's row and counts it on the report day.
func (b *book) add(vals []any, k *keys, decoded bool) error {
	b.tallies[0].add(k)
	if !decoded {
		b.undecoded++
	}
	return b.detail.write(vals)
}

// finish closes 明细 and writes 汇总 with its charts.
func (b *book) finish(s *DaySummary, now time.Time) error {
	if err := b.detail.close(); err != nil {
		return err
	}
	s.FileName, s.Route, s.Undecoded = b.name, b.route, b.undecoded
	b.summary = s
	if idx, err := b.f.GetSheetIndex(summarySheetName); err != nil || idx < 0 {
		// A range export: 汇总 goes after the 明细 sheets.
		if _, err := b.f.NewSheet(summarySheetName); err != nil {
			return fmt.Errorf("add sheet %s: %w", summarySheetName, err)
		}
	}
	blocks, err := writeSummarySheet(b.f, s, now)
	if err != nil {
		return fmt.Errorf("sheet %s: %w", summarySheetName, err)
	}
	if err := addCharts(b.f, s, blocks); err != nil {
		return fmt.Errorf("sheet %s: charts: %w", summarySheetName, err)
	}
	// The first sheet is the active one already (the workbook's first sheet,
	// renamed). SetActiveSheet would visit every sheet, and excelize reads a
	// streamed sheet still in its memory buffer back into a full worksheet
	// to do so: for a report under 16 MB of XML, ten times its size in heap.
	b.core, b.at = coreXML(s.title(), now), now
	return nil
}

// save writes the workbook to w. excelize would build the whole zip in
// memory (WriteToBuffer); bookZip streams it to w instead, the sheets'
// rows straight from their spill files, deflated on every CPU, with the
// streamed sheets' extents and the core properties put right.
func (b *book) save(w io.Writer) error {
	// excelize names a sheet's part after its sheetId.
	dims := map[string]string{}
	for id, name := range b.f.GetSheetMap() {
		if ref, ok := b.detail.extents[name]; ok {
			dims[fmt.Sprintf("xl/worksheets/sheet%d.xml", id)] = ref
		}
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	b.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return newBookZip(bw, dims, b.core, b.at) })
	if _, err := b.f.WriteToBuffer(); err != nil {
		return err
	}
	return bw.Flush()
}

func (b *book) close() error { return b.f.Close() }
