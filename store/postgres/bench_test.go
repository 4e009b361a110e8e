package postgres

import (
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
