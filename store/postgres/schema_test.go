package postgres

import (
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/storetest"
)

// TestQueryPlans checks that the routing, delivery and report queries have
// an index that serves their filter and order, so that they sort nothing
// and scan no table however many clues and sent rows pile up. Sequential
// scans and sorts are priced out, as they would be on a big table: if the
// plan still sorts or scans a table, no index fits.
func TestQueryPlans(t *testing.T) {
	s := openTest(t)
	now := stamp(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	day := store.ClueFilter{From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)}
	dayCond, dayArgs := where(day)
	day.AdvertiserID = 90000000001
	acctCond, acctArgs := where(day)
	stored, storedArgs := dialect.IterateSQL(selectClueSQL, store.ClueFilter{From: day.From, To: day.To, ByFirstSeen: true})
	tests := []struct {
		name  string
		query string
		args  []any
		want  []string
	}{
		{"unrouted clues", unroutedSQL, []any{10}, []string{"Index Scan using clues_unrouted on clues"}},
		{"claim", claimSQL, []any{"w1", now, "a", now, 10}, []string{"Index Scan using outbox_claim on outbox"}},
		{"receivers", receiversSQL, []any{now}, []string{"Index Scan using outbox_claim on outbox"}},
		{"stats", statsSQL, nil, []string{"Index Only Scan using outbox_pending on outbox",
			"Index Only Scan using outbox_dead on outbox"}},
		{"mark sent", `UPDATE outbox SET state = 'sent' WHERE state = 'pending' AND id IN (SELECT id FROM outbox
			WHERE id = ANY ($1) AND state = 'pending' ORDER BY id FOR NO KEY UPDATE)`, []any{[]int64{1, 2}},
			[]string{"Index Scan using outbox_pkey on outbox"}},
		{"iterate a day", selectClueSQL + dayCond + ` ORDER BY create_time, id`, dayArgs,
			[]string{"Index Scan using clues_create_time on clues"}},
		{"iterate an account's day", selectClueSQL + acctCond + ` ORDER BY create_time, id`, acctArgs,
			[]string{"Index Scan using clues_advertiser_create_time on clues"}},
		{"replay the leads stored in a window", stored, storedArgs,
			[]string{"Index Scan using clues_first_seen on clues"}},
		{"history", `SELECT changed_at FROM clue_history WHERE clue_id = $1 ORDER BY id`, []any{"1"},
			[]string{"Index Scan using clue_history_clue_id on clue_history"}},
		{"lock stored clues", lockStoredSQL, []any{[]string{"1", "2"}}, []string{"Index Scan using clues_pkey on clues"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx, err := s.pool.Begin(t.Context())
			require.NoError(t, err)
			defer func() { require.NoError(t, tx.Rollback(t.Context())) }()
			_, err = tx.Exec(t.Context(), `SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off;
				SET LOCAL enable_bitmapscan = off`)
			require.NoError(t, err)
			rows, err := tx.Query(t.Context(), `EXPLAIN `+tt.query, tt.args...)
			require.NoError(t, err)
			lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
			require.NoError(t, err)
			plan := strings.Join(lines, "\n")
			for _, w := range tt.want {
				require.Contains(t, plan, w)
			}
			require.NotContains(t, plan, "Sort", plan)
			for _, line := range lines {
				if strings.Contains(line, "Seq Scan") {
					require.Contains(t, line, "Seq Scan on clue_batch", "only the batch itself is scanned:\n%s", plan)
				}
			}
		})
	}
}

// TestOutboxCountsFollowDeletes checks that the counts on a clue follow its
// outbox rows when rows are deleted, one at a time or with the clue.
func TestOutboxCountsFollowDeletes(t *testing.T) {
	s := openTest(t)
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	routeAll(t, s, 2, at, "a", "b", "c")
	clues := storetest.BenchClues(0, 2, 3)
	items, err := s.OutboxItems(t.Context(), clues[0].ID)
	require.NoError(t, err)
	require.NoError(t, s.MarkSent(t.Context(), []int64{items[0].ID}, at))
	require.NoError(t, s.MarkDead(t.Context(), []int64{items[1].ID}, "gone"))
	counts := func(id string) []int {
		c, err := s.Clue(t.Context(), id)
		require.NoError(t, err)
		return []int{c.Sent, c.Pending, c.Dead}
	}
	require.Equal(t, []int{1, 1, 1}, counts(clues[0].ID))

	_, err = s.pool.Exec(t.Context(), `DELETE FROM outbox WHERE id = $1`, items[1].ID)
	require.NoError(t, err)
	require.Equal(t, []int{1, 1, 0}, counts(clues[0].ID))

	_, err = s.pool.Exec(t.Context(), `DELETE FROM clues WHERE id = $1`, clues[0].ID)
	require.NoError(t, err)
	items, err = s.OutboxItems(t.Context(), clues[0].ID)
	require.NoError(t, err)
	require.Empty(t, items, "a clue's outbox rows go with it")
	require.Equal(t, []int{0, 3, 0}, counts(clues[1].ID), "other clues keep their counts")
}
