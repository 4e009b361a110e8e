package sqlite

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/storetest"
)

// benchBatch is the page size the puller stores at a time.
const benchBatch = 500

// BenchmarkUpsertClues measures UpsertClues on 500-clue batches: new,
// unchanged and changed clues (see storetest.BenchUpsert).
func BenchmarkUpsertClues(b *testing.B) {
	storetest.BenchUpsert(b, func(b *testing.B) store.Store {
		s, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"), Options{})
		require.NoError(b, err)
		b.Cleanup(func() { require.NoError(b, s.Close()) })
		return s
	})
}

// BenchmarkSaveRouting measures routing one clue to two routes with one
// receiver each: one transaction that marks the clue and enqueues two rows.
func BenchmarkSaveRouting(b *testing.B) {
	s, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"), Options{})
	require.NoError(b, err)
	b.Cleanup(func() { require.NoError(b, s.Close()) })
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	results := []store.RouteResult{{Route: "henan-hot", Assignee: "张三", Receivers: []string{"henan-sales"}},
		{Route: "everything-else", Receivers: []string{"managers"}}}
	var clues []store.Clue
	n := 0
	for b.Loop() {
		if n%benchBatch == 0 {
			b.StopTimer()
			clues = storetest.BenchClues(n, benchBatch, 3)
			_, err := s.UpsertClues(b.Context(), clues)
			require.NoError(b, err)
			b.StartTimer()
		}
		saved, err := s.SaveRouting(b.Context(), store.Routing{ClueID: clues[n%benchBatch].ID, Results: results, RoutedAt: at})
		if err != nil || !saved {
			b.Fatalf("save routing: %v, saved %v", err, saved)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "clues/s")
}

// routeBench routes every stored clue in bulk for storetest.BenchIterate:
// odd ids take two routes with one receiver each, even ids one. A third of
// the rows are sent.
func routeBench(b *testing.B, s *Store, at time.Time) {
	for _, q := range []string{
		`UPDATE clues SET routed_at = ?1,
			routes = iif(substr(id, -1) % 2 = 1, 'henan-hot' || char(31) || 'everything-else', 'henan-hot'),
			assignees = iif(substr(id, -1) % 2 = 1, '张三' || char(31), '张三')`,
		`INSERT INTO outbox (clue_id, route, receiver, assignee, next_at, created_at)
			SELECT id, 'henan-hot', 'henan-sales', '张三', ?1, ?1 FROM clues
			UNION ALL SELECT id, 'everything-else', 'managers', '', ?1, ?1 FROM clues WHERE substr(id, -1) % 2 = 1`,
		`UPDATE outbox SET state = 'sent', sent_at = ?1, attempts = 1 WHERE id % 3 = 0`,
	} {
		_, err := s.write.ExecContext(b.Context(), q, toMillis(at))
		require.NoError(b, err)
	}
}

// BenchmarkIterateClues measures IterateClues over all of 100,000 routed
// clues (see storetest.BenchIterate).
func BenchmarkIterateClues(b *testing.B) {
	s, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"), Options{})
	require.NoError(b, err)
	b.Cleanup(func() { require.NoError(b, s.Close()) })
	storetest.BenchIterate(b, s, store.ClueFilter{}, func(at time.Time) { routeBench(b, s, at) })
}

// BenchmarkAccountStats measures `cluebot accounts`' read over 10,000
// accounts and a million clues (CLUEBOT_BENCH_HEAVY=1).
func BenchmarkAccountStats(b *testing.B) {
	s, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"), Options{})
	require.NoError(b, err)
	b.Cleanup(func() { require.NoError(b, s.Close()) })
	storetest.BenchAccountStats(b, s, func(b *testing.B, accounts, clues int, now time.Time) {
		at := toMillis(now)
		for _, q := range []string{
			`WITH RECURSIVE seq(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM seq WHERE g < ?1)
			INSERT INTO clues (id, advertiser_id, create_time, update_time, intention_id, phone_stat, schedule_id,
				clue_tag, source_type, page_id, page_name, user_name, phone, province, city, store, raw,
				first_seen, last_updated)
			SELECT printf('%022d', g), 1 + g % ?2, ?3 - g * 1000, ?3 - g * 1000, 0, 0, 0, 0, 0, '', '', '', '',
				'', '', '', '{}', ?3, ?3 FROM seq`,
			`WITH RECURSIVE seq(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM seq WHERE g < ?2)
			INSERT INTO sync_state (advertiser_id, synced_to, last_run_at, last_success_at, last_error)
			SELECT g, ?3, ?3, ?3, CASE WHEN g % 97 = 0 THEN 'kuaishou: busy' ELSE '' END FROM seq
			WHERE g % 10 <> 0 AND ?1 = ?1`,
		} {
			_, err := s.write.ExecContext(b.Context(), q, clues, accounts, at)
			require.NoError(b, err)
		}
		_, err := s.write.ExecContext(b.Context(), `ANALYZE`)
		require.NoError(b, err)
	})
}
