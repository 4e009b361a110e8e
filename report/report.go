package report

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/cluebot/cluebot/atomicfile"
	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// SplitByRoute is the Options.SplitBy value that also writes one file
// per route.
const SplitByRoute = "route"

// Deadline says by when a lead whose alert went out at sent had to be
// followed up to count as on time.
type Deadline func(sent time.Time) time.Time

// Options configures the daily report and the xlsx export.
type Options struct {
	// Zone is the zone of the report's day and of every time in the file;
	// nil means Beijing time, the vendor's zone.
	Zone *time.Location
	// Fields says which form answers hold province, city and store when a
	// clue carries no store_info.
	Fields transform.Fields
	// AccountNames names the configured accounts by advertiser id.
	AccountNames map[int64]string
	// MaskPhone masks the phone numbers in 明细 (off by default: the report
	// is for managers, who call the leads back).
	MaskPhone bool
	// SplitBy "route" makes WriteFile also write one file per route
	// with only that route's leads. Write writes the main file only.
	SplitBy string
	// FormColumns are form labels that get a 明细 column of their own.
	FormColumns []string
	// Now stamps the file's generation time; nil means time.Now.
	Now func() time.Time
	// TmpDir is where streamed rows spill to disk; "" is the system's.
	TmpDir string
	// Followup is, for each route with a followup, when a lead alerted
	// at sent had to be followed up to count as on time: followup.within,
	// in business hours as the reminder counts it (route.Deadlines'
	// Within). With any, the main file gains the 跟进 sheet (when the
	// source is a FollowupSource).
	Followup map[string]Deadline

	// sheetRows caps the data rows of one 明细 sheet; 0 is Excel's limit.
	// Tests lower it to exercise the split without a million rows.
	sheetRows int
}

// Clues is what a workbook reads its rows from: the stored clues matching
// a filter, in collection order (store.Store is one).
type Clues interface {
	IterateClues(ctx context.Context, f store.ClueFilter, fn func(c *store.Clue) error) error
}

// Source is what the daily report reads: the day's clues, and the
// comparison days' counts (store.Store is one).
type Source interface {
	Clues
	CountClueGroups(ctx context.Context, f store.ClueFilter, by ...store.GroupBy) ([]store.ClueGroup, error)
}

func (o Options) zone() *time.Location {
	if o.Zone == nil {
		return clue.VendorZone
	}
	return o.Zone
}

// leadOptions is how rows become leads: the zone, the field mapping and
// the account names.
func (o Options) leadOptions() transform.Options {
	return transform.Options{Zone: o.zone(), Fields: o.Fields, AccountNames: o.AccountNames}
}

func (o Options) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

// FileName is the daily report's file name for day's date in zone:
// cluebot-YYYY-MM-DD.xlsx.
func FileName(day time.Time, zone *time.Location) string {
	return "cluebot-" + day.In(zone).Format(time.DateOnly) + ".xlsx"
}

// Write writes the report of day's calendar date in opts.Zone (明细
// and 汇总) to w and returns its numbers. SplitBy is ignored: one writer
// holds one file (see WriteFile).
func Write(ctx context.Context, src Source, day time.Time, opts Options, w io.Writer) (*DaySummary, error) {
	opts.SplitBy = ""
	r, err := newReportRun(opts, day)
	if err != nil {
		return nil, err
	}
	defer r.close()
	if err := r.collect(ctx, src); err != nil {
		return nil, err
	}
	if err := r.main.save(w); err != nil {
		return nil, fmt.Errorf("write report %s: %w", r.main.name, err)
	}
	return r.main.summary, nil
}

// WriteFile writes the report of day into dir (created 0700 if need
// be) as cluebot-YYYY-MM-DD.xlsx, and with SplitBy "route" one
// cluebot-YYYY-MM-DD-<route>.xlsx per route of the day. Files are mode 0600
// and appear whole (see package atomicfile). It returns the paths,
// main file first, and the main file's numbers.
func WriteFile(ctx context.Context, src Source, day time.Time, opts Options, dir string) ([]string, *DaySummary, error) {
	r, err := newReportRun(opts, day)
	if err != nil {
		return nil, nil, err
	}
	defer r.close()
	if err := r.collect(ctx, src); err != nil {
		return nil, nil, err
	}
	var files []string
	for _, b := range r.books() {
		path := filepath.Join(dir, b.name)
		if err := atomicfile.Write(path, b.save); err != nil {
			return files, nil, fmt.Errorf("write report %s: %w", b.name, err)
		}
		files = append(files, path)
	}
	return files, r.main.summary, nil
}

// WriteRange writes the leads matching filter (collected in [From, To)) as a
// workbook for `cluebot export --format xlsx`: the 明细 sheets first (an
// export opens on its rows, for people and programs alike), then 汇总 with
// the totals by field, by date and by hour, without comparison days.
// SplitBy is ignored. It returns the rows written.
func WriteRange(ctx context.Context, src Clues, filter store.ClueFilter, opts Options, w io.Writer) (int, error) {
	zone := opts.zone()
	cols := detailColumns(opts.FormColumns)
	b, err := newBook("cluebot-export.xlsx", "", &opts, cols, false)
	if err != nil {
		return 0, fmt.Errorf("export xlsx: %w", err)
	}
	defer b.close()
	err = streamRows(ctx, src, filter, newRowMaker(&opts, cols, true), func(row *readyRow) error {
		return b.add(row.vals, &row.keys, row.ok)
	})
	if err != nil {
		return 0, fmt.Errorf("export xlsx: %w", err)
	}
	s := summarize(b.tallies, true)
	s.From, s.To, s.Zone = filter.From, filter.To, zone
	if err := b.finish(s, opts.now()); err != nil {
		return 0, fmt.Errorf("export xlsx: %w", err)
	}
	if err := b.save(w); err != nil {
		return 0, fmt.Errorf("export xlsx: write: %w", err)
	}
	return b.detail.total, nil
}
