package sqlite

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store/storetest"
)

// BenchmarkFollowupScan measures the follow-up timers' queries of a poll
// with CLUEBOT_BENCH_FOLLOWUPS open timers (see storetest.FollowupSet).
// SQLite cannot count the rows a statement touched; the plan of the due
// scan is checked to walk the followups_due index instead, and logged.
func BenchmarkFollowupScan(b *testing.B) {
	f := storetest.FollowupScale(b)
	s, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"), Options{})
	require.NoError(b, err)
	b.Cleanup(func() { require.NoError(b, s.Close()) })
	storetest.BenchFollowupScan(b, s, f, func() {
		storetest.SeedFollowups(b, s, f)
		_, err := s.write.ExecContext(b.Context(), `ANALYZE`)
		require.NoError(b, err)
	}, func(now time.Time, limit int) int64 {
		q, args := s.DueFollowupsSQL(now, limit)
		rows, err := s.read.QueryContext(b.Context(), `EXPLAIN QUERY PLAN `+q, args...)
		require.NoError(b, err)
		defer rows.Close()
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			require.NoError(b, rows.Scan(&id, &parent, &unused, &detail))
			plan = append(plan, detail)
		}
		require.NoError(b, rows.Err())
		b.Logf("due scan plan: %s", strings.Join(plan, " | "))
		require.Contains(b, strings.Join(plan, "\n"), "USING INDEX followups_due", "the due scan walks its index")
		return -1
	})
}
