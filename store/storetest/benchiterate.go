package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// benchDay is how many clues BenchIterate stores.
const benchDay = 100_000

// BenchIterate measures IterateClues of s over f, after storing 100,000
// clues with 1.5 KB of raw JSON each and having route route them all at
// noon of their first day: half with one route and outbox row, half with
// two, a third of the rows sent, as a backend does it in bulk (SaveRouting
// one by one is too slow to set up 100,000). It is the daily report's read
// and reports rows per second.
func BenchIterate(b *testing.B, s store.Store, f store.ClueFilter, route func(at time.Time)) {
	for first := 0; first < benchDay; first += benchBatch {
		_, err := s.UpsertClues(b.Context(), BenchClues(first, benchBatch, 3))
		require.NoError(b, err)
	}
	route(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	rows, routes, outbox := 0, 0, 0
	for b.Loop() {
		err := s.IterateClues(b.Context(), f, func(c *store.Clue) error {
			rows++
			routes += len(c.Routes)
			outbox += c.Sent + c.Pending
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	require.Equal(b, rows*3/2, routes, "every clue read back with its routes")
	require.Equal(b, routes, outbox, "and its outbox counts")
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
