package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strings"
	"time"

	"github.com/cluebot/cluebot/pdeflate"
)

// bookZip is the zip writer a book is saved through (excelize's
// SetZipWriter): it streams every entry to the file, deflated on every CPU,
// and on the way puts right what excelize writes wrong for other readers:
//   - a streamed sheet's <dimension> says ref="A1" whatever its rows
//     (excelize writes it before the first row): it gets the sheet's true
//     extent, so readers that trust it (openpyxl read-only) see every row;
//   - docProps/core.xml (excelize's SetDocProps uses a default namespace
//     that ExcelJS rejects, and the template says 2006): it is replaced by
//     properties in the cp:, dc: and dcterms: prefixes every reader takes.
type bookZip struct {
	zw   *zip.Writer
	dims map[string]string // worksheet part name -> its extent, A1:X8001
	core []byte
	at   time.Time // the entries' modification time
	cur  *dimFixer // the entry being written, when it needs its dimension set
	done bool      // core.xml written
}

func newBookZip(w io.Writer, dims map[string]string, core []byte, at time.Time) *bookZip {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, pdeflate.NewWriter)
	return &bookZip{zw: zw, dims: dims, core: core, at: at}
}

// corePart is the core properties' part, as the package relationships of
// every workbook excelize makes point at it.
const corePart = "docProps/core.xml"

// Create starts the entry name; see bookZip.
func (z *bookZip) Create(name string) (io.Writer, error) {
	if err := z.endEntry(); err != nil {
		return nil, err
	}
	w, err := z.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: z.at})
	if err != nil {
		return nil, err
	}
	switch {
	case name == corePart:
		z.done = true
		if _, err := w.Write(z.core); err != nil {
			return nil, err
		}
		return io.Discard, nil
	case z.dims[name] != "":
		z.cur = &dimFixer{w: w, ref: z.dims[name]}
		return z.cur, nil
	}
	return w, nil
}

// AddFS adds the files of fsys.
func (z *bookZip) AddFS(fsys fs.FS) error {
	if err := z.endEntry(); err != nil {
		return err
	}
	return z.zw.AddFS(fsys)
}

// Close ends the last entry and the zip.
func (z *bookZip) Close() error {
	if err := z.endEntry(); err != nil {
		return err
	}
	if !z.done {
		return fmt.Errorf("zip: excelize wrote no %s", corePart)
	}
	return z.zw.Close()
}

func (z *bookZip) endEntry() error {
	if z.cur == nil {
		return nil
	}
	err := z.cur.flush()
	z.cur = nil
	return err
}

// dimFixer passes a worksheet through, its <dimension> element replaced by
// one with ref. The element comes before <sheetData>: only what precedes
// it is held back.
type dimFixer struct {
	w    io.Writer
	ref  string
	head []byte
	past bool // the head is written: pass the rest straight on
}

// dimensionElem is excelize's <dimension> element, in either form.
var dimensionElem = regexp.MustCompile(`<dimension\s[^>]*?(/>|>\s*</dimension>)`)

const maxHead = 64 << 10

var sheetData = []byte("<sheetData")

// Write holds back what comes before <sheetData> (at most maxHead) and
// passes the rest on as it comes: a sheet excelize kept in memory arrives
// in one Write of many megabytes, which must not be copied.
func (d *dimFixer) Write(p []byte) (int, error) {
	if d.past {
		return d.w.Write(p)
	}
	take := min(len(p), maxHead-len(d.head))
	if i := bytes.Index(p, sheetData); i >= 0 && i < take {
		take = i
	}
	d.head = append(d.head, p[:take]...)
	rest := p[take:]
	if len(rest) == 0 && len(d.head) < maxHead && !bytes.Contains(d.head, sheetData) {
		return len(p), nil
	}
	if err := d.flush(); err != nil {
		return 0, err
	}
	if _, err := d.w.Write(rest); err != nil {
		return 0, err
	}
	return len(p), nil
}

// flush writes the held-back head with its dimension replaced.
func (d *dimFixer) flush() error {
	if d.past {
		return nil
	}
	d.past = true
	head := d.head
	d.head = nil
	if loc := dimensionElem.FindIndex(head); loc != nil {
		elem := []byte(`<dimension ref="` + d.ref + `"/>`)
		head = append(append(append([]byte{}, head[:loc[0]]...), elem...), head[loc[1]:]...)
	}
	_, err := d.w.Write(head)
	return err
}

// coreXML is the core properties of a workbook: its title, by cluebot,
// created and modified at.
func coreXML(title string, at time.Time) []byte {
	var t strings.Builder
	_ = xml.EscapeText(&t, []byte(title))
	w3c := at.UTC().Format("2006-01-02T15:04:05Z")
	return []byte(xml.Header + `<cp:coreProperties` +
		` xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"` +
		` xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"` +
		` xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + t.String() + `</dc:title><dc:creator>cluebot</dc:creator>` +
		`<cp:lastModifiedBy>cluebot</cp:lastModifiedBy>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + w3c + `</dcterms:created>` +
		`<dcterms:modified xsi:type="dcterms:W3CDTF">` + w3c + `</dcterms:modified>` +
		`</cp:coreProperties>`)
}
