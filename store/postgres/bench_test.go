package postgres

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/storetest"
)

// BenchmarkUpsertClues measures UpsertClues on 500-clue batches: new,
// unchanged and changed clues (see storetest.BenchUpsert).
func BenchmarkUpsertClues(b *testing.B) {
	storetest.BenchUpsert(b, func(b *testing.B) store.Store {
		return openTest(b)
	})
}

// routeBench routes every stored clue in bulk for storetest.BenchIterate:
// odd ids take two routes with one receiver each, even ids one. A third of
// the rows are sent. The triggers keep the clues' counts.
func routeBench(b *testing.B, s *Store, at time.Time) {
	for _, q := range []string{
		`UPDATE clues SET routed_at = $1,
			routes = CASE WHEN right(id, 1)::int % 2 = 1 THEN '{henan-hot,everything-else}'::text[] ELSE '{henan-hot}' END,
			assignees = CASE WHEN right(id, 1)::int % 2 = 1 THEN '{张三,""}'::text[] ELSE '{张三}' END`,
		`INSERT INTO outbox (clue_id, route, receiver, assignee, next_at, created_at)
			SELECT id, 'henan-hot', 'henan-sales', '张三', $1::timestamptz, $1::timestamptz FROM clues
			UNION ALL SELECT id, 'everything-else', 'managers', '', $1, $1 FROM clues WHERE right(id, 1)::int % 2 = 1`,
		`UPDATE outbox SET state = 'sent', sent_at = $1, attempts = 1 WHERE id % 3 = 0`,
	} {
		_, err := s.pool.Exec(b.Context(), q, stamp(at))
		require.NoError(b, err)
	}
	_, err := s.pool.Exec(b.Context(), `ANALYZE clues`)
	require.NoError(b, err)
}

// BenchmarkIterateClues measures IterateClues over one day of 100,000
// routed clues (see storetest.BenchIterate).
func BenchmarkIterateClues(b *testing.B) {
	s := openTest(b)
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	storetest.BenchIterate(b, s, store.ClueFilter{From: base, To: base.Add(24 * time.Hour)},
		func(at time.Time) { routeBench(b, s, at) })
}

// BenchmarkAccountStats measures `cluebot accounts`' read over 10,000
// accounts and a million clues (CLUEBOT_BENCH_HEAVY=1).
func BenchmarkAccountStats(b *testing.B) {
	s := openTest(b)
	storetest.BenchAccountStats(b, s, func(b *testing.B, accounts, clues int, now time.Time) {
		for _, q := range []string{
			`INSERT INTO clues (id, advertiser_id, create_time, update_time, intention_id, phone_stat, schedule_id,
				clue_tag, source_type, page_id, page_name, user_name, phone, province, city, store, raw,
				first_seen, last_updated)
			SELECT lpad(g::text, 22, '0'), 1 + g % $2, $3::timestamptz - g * interval '1 second',
				$3::timestamptz - g * interval '1 second', 0, 0, 0, 0, 0, '', '', '', '', '', '', '', '\x7b7d'::bytea,
				$3, $3 FROM generate_series(1, $1::int) AS g`,
			`INSERT INTO sync_state (advertiser_id, synced_to, last_run_at, last_success_at, last_error)
			SELECT g, $3, $3, $3, CASE WHEN g % 97 = 0 THEN 'kuaishou: busy' ELSE '' END
			FROM generate_series(1, $2::int) AS g WHERE g % 10 <> 0 AND $1::int = $1::int`,
			`VACUUM ANALYZE`, // as autovacuum would have: index-only scans need the visibility map
		} {
			var err error
			if q == `VACUUM ANALYZE` {
				_, err = s.pool.Exec(b.Context(), q)
			} else {
				_, err = s.pool.Exec(b.Context(), q, clues, accounts, stamp(now))
			}
			require.NoError(b, err)
		}
	})
	explainActivity(b, s, storetest.StatsAccounts, time.Now().UTC().Truncate(24*time.Hour))
}

// explainActivity logs the server's execution time of AccountActivity's
// statement over the ids 1..n.
func explainActivity(b *testing.B, s *Store, n int, since time.Time) {
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	rows, err := s.pool.Query(b.Context(), `EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) `+activitySQL, ids, stamp(since))
	require.NoError(b, err)
	var plan []string
	for rows.Next() {
		var line string
		require.NoError(b, rows.Scan(&line))
		plan = append(plan, line)
	}
	b.Logf("server: AccountActivity of %d accounts:\n%s", n, strings.Join(plan, "\n"))
	require.NoError(b, rows.Err())
}
