package postgres

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store/postgres/pgtest"
	"github.com/cluebot/cluebot/store/storetest"
)

// BenchmarkFollowupScan measures the follow-up timers' queries of a poll
// with CLUEBOT_BENCH_FOLLOWUPS open timers (see storetest.FollowupSet), and
// the rows the due scan's plan touched, from EXPLAIN ANALYZE.
// CLUEBOT_BENCH_SCHEMA keeps the seeded timers in that schema, left in
// place, to measure again without seeding.
func BenchmarkFollowupScan(b *testing.B) {
	f := storetest.FollowupScale(b)
	dsn, schema := pgtest.DSN(b), os.Getenv("CLUEBOT_BENCH_SCHEMA")
	if schema == "" {
		_, schema = pgtest.FreshSchema(b)
	} else {
		pgtest.Exec(b, dsn, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{schema}.Sanitize())
	}
	s := openIn(b, dsn, schema)
	var open int
	require.NoError(b, s.pool.QueryRow(b.Context(), `SELECT COUNT(*) FROM followups`).Scan(&open))
	seed := func() {
		_, err := s.pool.Exec(b.Context(), `TRUNCATE clues, sync_state CASCADE`)
		require.NoError(b, err)
		storetest.SeedFollowups(b, s, f)
		_, err = s.pool.Exec(b.Context(), `VACUUM ANALYZE followups`)
		require.NoError(b, err)
		_, err = s.pool.Exec(b.Context(), `VACUUM ANALYZE sync_state`)
		require.NoError(b, err)
	}
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
