package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store/internal/sqlstore"
	"github.com/cluebot/cluebot/store/storetest"
)

// BenchmarkConsole measures the console's overview, searches and a lead's
// page on 10,000 accounts and 5,000,000 leads (see storetest.HeavySet; it
// runs only with CLUEBOT_BENCH_HEAVY=1). CLUEBOT_BENCH_DB keeps the seeded
// file there to measure again without seeding.
func BenchmarkConsole(b *testing.B) {
	h := storetest.HeavySet(b)
	path := os.Getenv("CLUEBOT_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "heavy.db")
	}
	s, err := Open(b.Context(), path, Options{})
	require.NoError(b, err)
	b.Cleanup(func() { require.NoError(b, s.Close()) })
	storetest.BenchConsole(b, s, h, func() { seedHeavy(b, s, h) })
}

// seedHeavy stores h's leads in bulk: the clues' indexes dropped, rows
// inserted by one prepared statement in transactions of 100,000 (the
// search triggers still fill clue_text), the indexes built again, a few
// thousand outbox rows of the newest leads, and ANALYZE.
func seedHeavy(b *testing.B, s *Store, h storetest.Heavy) {
	ctx := b.Context()
	exec := func(q string, args ...any) {
		_, err := s.write.ExecContext(ctx, q, args...)
		require.NoError(b, err, q)
	}
	exec(`PRAGMA cache_size = -1000000`)
	rows, err := s.write.QueryContext(ctx, `SELECT name, sql FROM sqlite_master
		WHERE type = 'index' AND tbl_name = 'clues' AND sql IS NOT NULL`)
	require.NoError(b, err)
	var names, indexes []string
	for rows.Next() {
		var name, ddl string
		require.NoError(b, rows.Scan(&name, &ddl))
		names, indexes = append(names, name), append(indexes, ddl)
	}
	require.NoError(b, rows.Err())
	require.NoError(b, rows.Close())
	exec(`DELETE FROM clues`)
	for _, name := range names {
		exec(`DROP INDEX ` + name)
	}
	const batch = 100_000
	for first := 0; first < h.Leads; first += batch {
		require.NoError(b, s.inTx(ctx, func(tx *sql.Tx) error {
			return insertHeavy(ctx, tx, h, first, min(first+batch, h.Leads))
		}))
	}
	for _, ddl := range indexes {
		exec(ddl)
	}
	at := toMillis(storetest.HeavyNow)
	exec(`INSERT INTO outbox (clue_id, route, receiver, assignee, state, next_at, created_at)
		SELECT id, 'henan-hot', iif(create_time % 7 = 0, 'managers', 'henan-sales'), '',
			iif(create_time % 10 = 0, 'dead', iif(create_time % 3 = 0, 'pending', 'sent')), ?1, ?1
		FROM clues ORDER BY create_time DESC LIMIT 20000`, at)
	exec(`ANALYZE`)
}

// insertHeavy inserts h's leads first to end-1.
func insertHeavy(ctx context.Context, tx *sql.Tx, h storetest.Heavy, first, end int) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO clues (id, `+strings.Join(sqlstore.ClueColumns, ", ")+`,
		first_seen, last_updated, routed_at, routes, assignees) VALUES (`+strings.Repeat("?, ", len(sqlstore.ClueColumns)+5)+`?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i := first; i < end; i++ {
		c, routes := h.Lead(i)
		var rs, as sql.NullString
		if routes != nil {
			rs = sql.NullString{String: strings.Join(routes, listSep), Valid: true}
			as = sql.NullString{String: strings.Repeat(listSep, len(routes)-1), Valid: true}
		}
		_, err := stmt.ExecContext(ctx, c.ID, c.AdvertiserID, toMillis(c.CreateTime), toMillis(c.UpdateTime),
			c.IntentionID, c.PhoneStat, c.ScheduleID, c.ClueTag, c.SourceType, c.PageID, c.PageName, c.UserName,
			c.Phone, c.Province, c.City, c.Store, string(c.Raw), toMillis(c.FirstSeen), toMillis(c.LastUpdated),
			toMillis(c.RoutedAt), rs, as)
		if err != nil {
			return err
		}
	}
	return nil
}
