package postgres

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store/postgres/pgtest"
	"github.com/cluebot/cluebot/store/storetest"
)

// BenchmarkFollowupScan measures the follow-up timers' queries of a poll
// with CLUEBOT_BENCH_FOLLOWUPS open timers (see storetest.FollowupSet), and
// the rows the due scan's plan touched, from EXPLAIN ANALYZE. The timers
// are stored in bulk (seedFollowups).
// CLUEBOT_BENCH_SCHEMA keeps the seeded timers in that schema, left in
// place, to measure again without seeding.
func BenchmarkFollowupScan(b *testing.B) {
	f := storetest.FollowupScale(b)
	dsn, schema := pgtest.BenchSchema(b)
	s := openIn(b, dsn, schema)
	var open int
	require.NoError(b, s.pool.QueryRow(b.Context(), `SELECT COUNT(*) FROM followups`).Scan(&open))
	seed := func() { seedFollowups(b, s, f) }
	if open == f.Open+f.Done {
		seed = nil // kept from an earlier run in CLUEBOT_BENCH_SCHEMA
	}
	storetest.BenchFollowupScan(b, s, f, seed, func(now time.Time, limit int) int64 {
		q, args := s.DueFollowupsSQL(now, limit)
		var out []byte
		require.NoError(b, s.pool.QueryRow(b.Context(), `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) `+q, args...).Scan(&out))
		var plans []struct{ Plan planNode }
		require.NoError(b, json.Unmarshal(out, &plans))
		require.Len(b, plans, 1)
		b.Logf("due scan plan: %s", plans[0].Plan.String())
		return plans[0].Plan.touched()
	})
}

// seedFollowups stores f in bulk, by COPY, as storetest.SeedFollowups
// leaves it through the store's calls (a round trip each, an hour for the
// 100,000-timer set): the leads, their timers scheduled (the Done ones
// followed up) and the accounts' last reads; not the alerts' outbox rows,
// which the timers' queries never read. Then VACUUM ANALYZE, as autovacuum
// would have by then.
func seedFollowups(b *testing.B, s *Store, f storetest.FollowupSet) {
	ctx := b.Context()
	conn, err := s.pool.Acquire(ctx)
	require.NoError(b, err)
	defer conn.Release()
	_, err = conn.Exec(ctx, `TRUNCATE clues, sync_state CASCADE`)
	require.NoError(b, err)
	all := f.Open + f.Done
	copyRows := func(table string, cols []string, n int, row func(i int) []any) {
		i := 0
		copied, err := conn.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromFunc(func() ([]any, error) {
			if i == n {
				return nil, nil
			}
			i++
			return row(i - 1), nil
		}))
		require.NoError(b, err, table)
		require.EqualValues(b, n, copied, table)
	}
	cols := append(append([]string{"id"}, clueColumns...), "first_seen", "last_updated", "routed_at", "routes", "assignees")
	copyRows("clues", cols, all, func(i int) []any {
		c := f.Clue(i)
		return []any{c.ID, c.AdvertiserID, stamp(c.CreateTime), stamp(c.UpdateTime), c.IntentionID, c.PhoneStat,
			c.ScheduleID, c.ClueTag, c.SourceType, c.PageID, c.PageName, c.UserName, c.Phone, c.Province, c.City,
			c.Store, c.Raw, stamp(c.CreateTime), stamp(c.CreateTime), stamp(c.CreateTime), []string{"hot"}, []string{"张三"}}
	})
	copyRows("followups", []string{"clue_id", "route", "advertiser_id", "assignee", "sent_at", "scheduled",
		"remind_due", "escalate_due", "next_due", "done_at"}, all, func(i int) []any {
		id, acct, sent, remind, escalate := f.Timer(i)
		done, next := f.DoneAt(i), remind
		if !done.IsZero() {
			next = time.Time{}
		}
		return []any{id, "hot", acct, "张三", stamp(sent), 1, stamp(remind), stamp(escalate), stamp(next), stamp(done)}
	})
	copyRows("sync_state", []string{"advertiser_id", "synced_to", "last_run_at", "last_success_at", "last_error"},
		f.Accounts, func(i int) []any {
			read := f.LastRead(i)
			return []any{f.Account(i), stamp(read), stamp(read), stamp(read), ""}
		})
	for _, t := range []string{"clues", "followups", "sync_state"} {
		_, err = conn.Exec(ctx, `VACUUM ANALYZE `+t)
		require.NoError(b, err)
	}
	storetest.CheckFollowups(b, s, f)
}

// planNode is a node of EXPLAIN's JSON plan, with what the benchmark reads.
type planNode struct {
	NodeType      string     `json:"Node Type"`
	Relation      string     `json:"Relation Name"`
	Index         string     `json:"Index Name"`
	ActualRows    float64    `json:"Actual Rows"`
	ActualLoops   float64    `json:"Actual Loops"`
	RemovedFilter float64    `json:"Rows Removed by Filter"`
	HitBlocks     int64      `json:"Shared Hit Blocks"`
	ReadBlocks    int64      `json:"Shared Read Blocks"`
	Plans         []planNode `json:"Plans"`
}

// touched is the rows the plan's scans of tables read: those they returned
// and those their filters removed, over every loop.
func (n planNode) touched() int64 {
	var t float64
	if n.Relation != "" {
		t = (n.ActualRows + n.RemovedFilter) * n.ActualLoops
	}
	for _, c := range n.Plans {
		t += float64(c.touched())
	}
	return int64(t)
}

// String is the plan's nodes, one line, with rows and blocks.
func (n planNode) String() string {
	s := n.NodeType
	if n.Relation != "" {
		s += " on " + n.Relation
	}
	if n.Index != "" {
		s += " using " + n.Index
	}
	s += " (rows " + jsonNum(n.ActualRows) + " x" + jsonNum(n.ActualLoops) + ", removed " + jsonNum(n.RemovedFilter) +
		", blocks " + jsonNum(float64(n.HitBlocks+n.ReadBlocks)) + ")"
	for _, c := range n.Plans {
		s += " > " + c.String()
	}
	return s
}

func jsonNum(f float64) string { b, _ := json.Marshal(f); return string(b) }
