package postgres

import (
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store/postgres/pgtest"
	"github.com/cluebot/cluebot/store/storetest"
)

// BenchmarkConsole measures the console's overview, searches and a lead's
// page on 10,000 accounts and 5,000,000 leads (see storetest.HeavySet; it
// runs only with CLUEBOT_BENCH_HEAVY=1). CLUEBOT_BENCH_SCHEMA keeps the
// seeded data in that schema, left in place, to measure again without
// seeding.
func BenchmarkConsole(b *testing.B) {
	h := storetest.HeavySet(b)
	dsn, schema := pgtest.BenchSchema(b)
	s := openIn(b, dsn, schema)
	storetest.BenchConsole(b, s, h, func() { seedHeavy(b, s, h) })
}

// seedHeavy stores h's leads in bulk: the clues' secondary indexes
// dropped, the rows sent by COPY, the indexes built again, a few thousand
// outbox rows of the newest leads, and VACUUM ANALYZE (index-only scans
// need the visibility map).
func seedHeavy(b *testing.B, s *Store, h storetest.Heavy) {
	ctx := b.Context()
	conn, err := s.pool.Acquire(ctx)
	require.NoError(b, err)
	defer conn.Release()
	exec := func(q string, args ...any) {
		_, err := conn.Exec(ctx, q, args...)
		require.NoError(b, err, q)
	}
	exec(`SET maintenance_work_mem = '512MB'`)
	exec(`SET synchronous_commit = off`)
	var names, indexes []string
	rows, err := conn.Query(ctx, `SELECT indexname::text, indexdef FROM pg_indexes
		WHERE schemaname = current_schema() AND tablename = 'clues' AND indexname <> 'clues_pkey'`)
	require.NoError(b, err)
	var name, ddl string
	_, err = pgx.ForEachRow(rows, []any{&name, &ddl}, func() error {
		names, indexes = append(names, name), append(indexes, ddl)
		return nil
	})
	require.NoError(b, err)
	exec(`TRUNCATE clues CASCADE`)
	for _, name := range names {
		exec(`DROP INDEX ` + pgx.Identifier{name}.Sanitize())
	}
	cols := append(append([]string{"id"}, clueColumns...), "first_seen", "last_updated", "routed_at", "routes", "assignees")
	i := 0
	copied, err := conn.CopyFrom(ctx, pgx.Identifier{"clues"}, cols, pgx.CopyFromFunc(func() ([]any, error) {
		if i == h.Leads {
			return nil, nil
		}
		c, routes := h.Lead(i)
		i++
		var assignees []string
		if routes != nil {
			assignees = make([]string, len(routes))
		}
		return []any{c.ID, c.AdvertiserID, stamp(c.CreateTime), stamp(c.UpdateTime), c.IntentionID, c.PhoneStat,
			c.ScheduleID, c.ClueTag, c.SourceType, c.PageID, c.PageName, c.UserName, c.Phone, c.Province, c.City,
			c.Store, c.Raw, stamp(c.FirstSeen), stamp(c.LastUpdated), stamp(c.RoutedAt), routes, assignees}, nil
	}))
	require.NoError(b, err)
	require.EqualValues(b, h.Leads, copied)
	for _, ddl := range indexes {
		exec(ddl)
	}
	exec(`INSERT INTO outbox (clue_id, route, receiver, assignee, state, next_at, created_at)
		SELECT id, 'henan-hot', CASE WHEN right(id, 1) = '7' THEN 'managers' ELSE 'henan-sales' END, '',
			CASE WHEN right(id, 1) = '0' THEN 'dead' WHEN right(id, 1) IN ('3', '6', '9') THEN 'pending' ELSE 'sent' END,
			$1, $1
		FROM clues ORDER BY create_time DESC LIMIT 20000`, stamp(storetest.HeavyNow))
	exec(`VACUUM ANALYZE clues`)
	exec(`VACUUM ANALYZE outbox`)
}
