package report

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// benchRows reads a row count from the environment, else def.
func benchRows(b *testing.B, env string, def int) int {
	if s := os.Getenv(env); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(b, err, env)
		return n
	}
	return def
}

// heapInuse is the heap's spans in use (HeapInuse), read without stopping
// the world as runtime.ReadMemStats would every sample.
func heapInuse() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64() + s[1].Value.Uint64()
}

// heapLive reads the heap the last collection found live: what a program
// holds, without the garbage that the load of the machine lets pile up.
func heapLive() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// peakHeap samples the heap in use above its level at the start, every
// 10 ms, until stopped; stop returns the peak in MB.
func peakHeap() (stop func() float64) { return peakOf(heapInuse) }

// peakOf samples read above its level at the start, every 10 ms, until
// stopped; stop returns the peak in MB.
func peakOf(read func() uint64) (stop func() float64) {
	runtime.GC()
	base, peak := read(), uint64(0)
	var done atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !done.Load() {
			if h := read(); h > base && h-base > peak {
				peak = h - base
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	return func() float64 { done.Store(true); wg.Wait(); return float64(peak) / (1 << 20) }
}

// BenchmarkReportDayNoStream writes the same rows cell by cell in excelize's
// normal mode (SetSheetRow, then SaveAs), for comparison: 20,000 by default,
// CLUEBOT_BENCH_NOSTREAM_ROWS to change it. It is slow and memory hungry.
func BenchmarkReportDayNoStream(b *testing.B) {
	n := benchRows(b, "CLUEBOT_BENCH_NOSTREAM_ROWS", 20_000)
	cols := detailColumns(nil)
	var elapsed time.Duration
	var peak float64
	for i := 0; i < b.N; i++ {
		path := filepath.Join(b.TempDir(), "nostream.xlsx")
		stop := peakHeap()
		start := time.Now()
		f := excelize.NewFile()
		rows := newRowBuilder(cols)
		topts := transform.Options{Zone: shanghai, Fields: sampleFields}
		header := make([]any, len(cols))
		for j, c := range cols {
			header[j] = c.title
		}
		require.NoError(b, f.SetSheetRow("Sheet1", "A1", &header))
		row := 1
		err := synthSource{n: n}.IterateClues(context.Background(), boundsOf(reportDay, shanghai).day.filter(), func(c *store.Clue) error {
			l, _ := transform.FromStored(c, topts)
			vals := rows.build(&l, c)
			row++
			return f.SetSheetRow("Sheet1", "A"+strconv.Itoa(row), &vals)
		})
		require.NoError(b, err)
		require.NoError(b, f.SaveAs(path))
		require.NoError(b, f.Close())
		elapsed += time.Since(start)
		peak = max(peak, stop())
	}
	b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(peak, "peak-heap-MB")
}
