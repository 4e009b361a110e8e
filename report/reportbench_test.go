package report

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store/sqlite"
)

// reportChildEnv, set to "STORE|DIR|ROWS", makes the test binary write the
// report of reportDay from the SQLite store STORE into DIR and exit,
// instead of running tests: BenchmarkReportDay runs each report in a
// process of its own, so that its peak RSS is the report's.
const reportChildEnv = "CLUEBOT_BENCH_REPORT_CHILD"

func TestMain(m *testing.M) {
	if spec := os.Getenv(reportChildEnv); spec != "" {
		if err := reportChild(spec); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func reportChild(spec string) error {
	parts := strings.Split(spec, "|")
	if len(parts) != 3 {
		return fmt.Errorf("%s: want STORE|DIR|ROWS, got %q", reportChildEnv, spec)
	}
	rows, err := strconv.Atoi(parts[2])
	if err != nil {
		return err
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, parts[0], sqlite.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	_, sum, err := WriteFile(ctx, st, reportDay, Options{Zone: shanghai, Fields: sampleFields, TmpDir: parts[1]}, parts[1])
	if err != nil {
		return err
	}
	if sum.Total.Day != rows || sum.Total.PrevDay != rows || sum.Total.LastWeek != rows {
		return fmt.Errorf("report counted %+v, want %d a day", sum.Total, rows)
	}
	return nil
}

// BenchmarkReportDay writes the daily report of a day of 8,000 and of
// 200,000 clues from a SQLite store holding as many on each comparison day
// (one clue in 16 routed), each report in a process of its own (this test
// binary): the time per report (ns/op, the process's start included) and
// its peak RSS. CLUEBOT_BENCH_REPORT_ROWS=1000000 adds a day of a million
// (filling its store takes minutes).
// Targets: 8,000 rows under 100 MiB; a million in under 30 s.
func BenchmarkReportDay(b *testing.B) {
	sizes := []int{8_000, 200_000}
	if n := benchRows(b, "CLUEBOT_BENCH_REPORT_ROWS", 0); n > 0 {
		sizes = append(sizes, n)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) { benchReportDay(b, n) })
	}
}

func benchReportDay(b *testing.B, n int) {
	ctx := context.Background()
	db := filepath.Join(b.TempDir(), "cluebot.db")
	st, err := sqlite.Open(ctx, db, sqlite.Options{})
	require.NoError(b, err)
	bounds := boundsOf(reportDay, shanghai)
	start := time.Now()
	require.NoError(b, fillStore(ctx, st, n, 16, bounds.day, bounds.prev, bounds.week))
	require.NoError(b, st.Close())
	b.Logf("%d clues stored in %s", 3*n, time.Since(start).Round(time.Millisecond))

	var peak int64 // KiB
	var size float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%s|%d", reportChildEnv, db, dir, n))
		out, err := cmd.CombinedOutput()
		require.NoError(b, err, "%s", out)
		if rss, ok := maxRSS(cmd.ProcessState); ok {
			peak = max(peak, rss)
		}
		b.StopTimer()
		fi, err := os.Stat(filepath.Join(dir, FileName(reportDay, shanghai)))
		require.NoError(b, err)
		size = float64(fi.Size()) / (1 << 20)
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	if peak > 0 {
		b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
	}
	b.ReportMetric(size, "file-MiB")
}
