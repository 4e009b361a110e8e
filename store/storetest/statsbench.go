package storetest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// Figures of BenchAccountStats: accounts in all, those configured (the
// rest, and a thousand of these, come from one agency authorization) and
// clues stored, spread over the accounts and the last 11.6 days.
const (
	StatsAccounts = 10_000
	StatsConfig   = 2_000
	StatsClues    = 1_000_000
)

// StatsFill stores, in bulk and in a backend's own SQL, clue g (1..clues)
// with id g as 22 digits, advertiser 1 + g%accounts and create_time now-g
// seconds, and a sync state for every account not divisible by 10 (pulled
// at now, with an error for multiples of 97).
type StatsFill func(b *testing.B, accounts, clues int, now time.Time)

// BenchAccountStats measures store.AccountStats, what `cluebot accounts`
// reads, over 10,000 accounts and a million clues. It runs only with
// CLUEBOT_BENCH_HEAVY=1: filling takes a while.
func BenchAccountStats(b *testing.B, s store.Store, fill StatsFill) {
	if os.Getenv("CLUEBOT_BENCH_HEAVY") != "1" {
		b.Skip("set CLUEBOT_BENCH_HEAVY=1 to fill a million clues")
	}
	ctx, now := context.Background(), time.Now().UTC()
	since := now.Truncate(24 * time.Hour)
	start := time.Now()
	fill(b, StatsAccounts, StatsClues, now)
	id, err := s.PutAuthorization(ctx, agency(900_000, "bench", now))
	require.NoError(b, err)
	var config, covered []int64
	for i := int64(1); i <= StatsAccounts; i++ {
		if i <= StatsConfig {
			config = append(config, i)
		}
		if i > StatsConfig-1000 {
			covered = append(covered, i)
		}
	}
	b.Logf("filled %d clues in %s", StatsClues, time.Since(start).Round(time.Millisecond))
	start = time.Now()
	added, _, err := s.SetAdvertisers(ctx, id, covered, now)
	require.NoError(b, err)
	require.Len(b, added, len(covered))
	discover := time.Since(start)
	cpu, runs := cpuTime(), 0
	b.ResetTimer()
	for b.Loop() {
		runs++
		stats, err := store.AccountStats(ctx, s, config, since)
		require.NoError(b, err)
		require.Len(b, stats, StatsAccounts)
	}
	b.StopTimer()
	b.ReportMetric(float64(discover.Milliseconds()), "discover-9000-ms")
	// The process's CPU per call: on a loaded machine the wall time
	// mostly measures waiting for a core. A server backend's own CPU is
	// not in it.
	b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(max(runs, 1)), "cpu-ms/op")
	stats, err := store.AccountStats(ctx, s, config, since)
	require.NoError(b, err)
	today, failing := 0, 0
	for _, st := range stats {
		today += st.CluesToday
		if st.Status == store.AccountFailing {
			failing++
		}
	}
	require.Equal(b, min(StatsClues, int(now.Sub(since)/time.Second)), today, "clues of today")
	require.Positive(b, failing)
}
