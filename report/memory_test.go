package report

import (
	"context"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSmallReportMemory writes the report of a day of 8,000 clues, with as
// many on each comparison day, and bounds the heap it takes: the streamed
// 明细 sheet must go to the file as it was written, never be read back into
// a workbook in memory (excelize does that to a sheet still in its memory
// buffer, under 16 MB, whenever a call such as SetActiveSheet visits every
// sheet), and the zip's compressors must not hold a megabyte per entry.
func TestSmallReportMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a report of 8,000 clues")
	}
	const n = 8_000
	opts := Options{Zone: shanghai, Fields: sampleFields, TmpDir: t.TempDir()}
	// The bound is on what the report holds, the heap each collection finds
	// live, not on garbage the collector has yet to reach: the heap in use
	// may grow to twice the live heap before a collection, more or less of
	// it depending on the machine's load (57 MB alone, 102 MB beside other
	// packages' tests). Frequent collections sample the live heap often.
	defer debug.SetGCPercent(debug.SetGCPercent(25))
	stop := peakOf(heapLive)
	_, sum, err := WriteFile(context.Background(), synthSource{n: n}, reportDay, opts, t.TempDir())
	peak := stop()
	require.NoError(t, err)
	require.Equal(t, n, sum.Total.Day)
	t.Logf("peak heap %.1f MB", peak)
	require.Less(t, peak, 60.0, "MB of heap above the start for %d rows", n)
}
