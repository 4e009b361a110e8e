package report

import (
	"context"
	"io"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/sqlite"
)

// iterSpy is a store that records which clues were read row by row.
type iterSpy struct {
	store.Store
	mu       sync.Mutex
	iterated []store.ClueFilter
}

func (s *iterSpy) IterateClues(ctx context.Context, f store.ClueFilter, fn func(c *store.Clue) error) error {
	s.mu.Lock()
	s.iterated = append(s.iterated, f)
	s.mu.Unlock()
	return s.Store.IterateClues(ctx, f, fn)
}

// TestReportCountsComparisonDaysInTheStore writes a report split by route
// from a real SQLite store, in a zone half an hour off UTC: it reads only
// the report day's clues, its comparison columns are the numbers the
// reports of those days count row by row, and every file of the split
// shows what it shows from a source that is not a store.
func TestReportCountsComparisonDaysInTheStore(t *testing.T) {
	ctx := context.Background()
	zone := mustZone("Asia/Kolkata")
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	b := boundsOf(reportDay, zone)
	require.NoError(t, fillStore(ctx, st, 300, 1, b.day, b.prev, b.week))
	// A busy half hour on each comparison day, so that an hour counted in
	// the wrong zone shows.
	for _, d := range []span{b.prev, b.week} {
		from := d.from.Add(9 * time.Hour)
		require.NoError(t, fillStore(ctx, st, 50, 1, span{from, from.Add(30 * time.Minute)}))
	}
	var all []store.Clue
	require.NoError(t, st.IterateClues(ctx, store.ClueFilter{}, func(c *store.Clue) error {
		cp := *c
		cp.Raw, cp.Routes, cp.Assignees = slices.Clone(c.Raw), slices.Clone(c.Routes), slices.Clone(c.Assignees)
		all = append(all, cp)
		return nil
	}))
	require.Len(t, all, 1000)

	opts := reportOpts()
	opts.Zone, opts.SplitBy = zone, SplitByRoute
	spy := &iterSpy{Store: st}
	fromStore, sum, err := WriteFile(ctx, spy, reportDay, opts, t.TempDir())
	require.NoError(t, err)
	require.Equal(t, 350, sum.Total.PrevDay)
	require.Equal(t, []store.ClueFilter{b.day.filter()}, spy.iterated, "only the report day's clues are read")
	for _, c := range []struct {
		day    span
		counts func(BreakdownRow) int
	}{{b.prev, func(r BreakdownRow) int { return r.PrevDay }}, {b.week, func(r BreakdownRow) int { return r.LastWeek }}} {
		o := opts
		o.SplitBy = ""
		that, err := Write(ctx, st, c.day.from, o, io.Discard)
		require.NoError(t, err)
		require.Equal(t, that.Total.Day, c.counts(BreakdownRow{Counts: sum.Total}))
		for i, bd := range sum.Breakdowns {
			other := that.Breakdowns[i]
			require.Equal(t, other.Key, bd.Key)
			for _, r := range append(slices.Clone(bd.Rows), other.Rows...) {
				require.Equal(t, other.Row(r.Label).Day, c.counts(bd.Row(r.Label)), "%s %s on %s", bd.Key, r.Label, that.Date)
			}
		}
	}
	fromRows, _, err := WriteFile(ctx, newMemSource(all...), reportDay, opts, t.TempDir())
	require.NoError(t, err)
	require.Len(t, fromStore, 3, "the main file and one per route")
	require.Len(t, fromRows, len(fromStore))
	for i := range fromStore {
		require.Equal(t, filepath.Base(fromRows[i]), filepath.Base(fromStore[i]))
		require.Equal(t, summaryRows(t, fromRows[i]), summaryRows(t, fromStore[i]), filepath.Base(fromStore[i]))
	}
}

// summaryRows reads the 汇总 sheet of the report at path.
func summaryRows(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := f.GetRows(summarySheetName)
	require.NoError(t, err)
	return rows
}
