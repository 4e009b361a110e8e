package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Writer writes records in one format. Close flushes it.
type Writer interface {
	Write(r *Record) error
	Close() error
}

// NewWriter returns the writer for format: jsonl or csv.
func NewWriter(format string, w io.Writer) (Writer, error) {
	switch format {
	case "jsonl", "":
		return NewJSONL(w), nil
	case "csv":
		return NewCSV(w), nil
	}
	return nil, fmt.Errorf("unknown export format %q (jsonl, csv or xlsx)", format)
}

type jsonlWriter struct {
	bw  *bufio.Writer
	enc *json.Encoder
}

// NewJSONL writes one JSON object per line.
func NewJSONL(w io.Writer) Writer {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &jsonlWriter{bw: bw, enc: enc}
}

func (j *jsonlWriter) Write(r *Record) error { return j.enc.Encode(r) }
func (j *jsonlWriter) Close() error          { return j.bw.Flush() }

// csvHeader is the CSV column order.
var csvHeader = []string{"id", "advertiser_id", "account", "user_name", "phone", "page_id", "page_name",
	"intention_id", "intention", "source_type", "source", "phone_stat", "call_status", "clue_tag", "schedule",
	"province", "city", "store", "campaign_id", "unit_id", "creative_id", "create_time", "update_time", "form", "routes"}

type csvWriter struct {
	cw     *csv.Writer
	header bool
	row    []string
}

// NewCSV writes a header and one row per record. Form answers are one
// "label: value" per line inside their cell; every cell that a spreadsheet
// would read as a formula is neutralised.
func NewCSV(w io.Writer) Writer {
	return &csvWriter{cw: csv.NewWriter(w), row: make([]string, len(csvHeader))}
}

func (c *csvWriter) Write(r *Record) error {
	if !c.header {
		c.header = true
		if err := c.cw.Write(csvHeader); err != nil {
			return err
		}
	}
	v := c.row
	v[0], v[1], v[2], v[3], v[4] = r.ID, strconv.FormatInt(r.AdvertiserID, 10), r.Account, r.UserName, r.Phone
	v[5], v[6], v[7], v[8] = r.PageID, r.PageName, strconv.FormatInt(r.IntentionID, 10), r.Intention
	v[9], v[10], v[11], v[12] = strconv.FormatInt(r.SourceType, 10), r.Source, strconv.FormatInt(r.PhoneStat, 10), r.CallStatus
	v[13], v[14], v[15], v[16], v[17] = r.ClueTag, r.Schedule, r.Province, r.City, r.Store
	v[18], v[19], v[20], v[21], v[22] = r.CampaignID, r.UnitID, r.CreativeID, r.CreateTime, r.UpdateTime
	v[23], v[24] = formText(r.Form), strings.Join(r.Routes, ",")
	for i := range v {
		v[i] = SafeCell(v[i])
	}
	return c.cw.Write(v)
}

func (c *csvWriter) Close() error {
	if !c.header {
		c.header = true
		_ = c.cw.Write(csvHeader)
	}
	c.cw.Flush()
	return c.cw.Error()
}

func formText(form map[string]string) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(k)
		b.WriteString(": ")
		b.WriteString(form[k])
	}
	return b.String()
}

// SafeCell neutralises a value a spreadsheet would run as a formula (it
// starts with = + - @, a tab or a carriage return) by prefixing a quote,
// as OWASP recommends against CSV injection.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
