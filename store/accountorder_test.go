package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// TestSortForPeople: problems first, by id within a triage, with the
// summary line counting silent accounts apart from ok ones.
func TestSortForPeople(t *testing.T) {
	now := time.Date(2026, 3, 9, 15, 0, 0, 0, time.UTC)
	stat := func(id int64, status string, lastClue, lastSuccess time.Time) store.AccountStat {
		return store.AccountStat{AccountActivity: store.AccountActivity{AdvertiserID: id, LastClue: lastClue,
			LastSuccess: lastSuccess}, Status: status}
	}
	stats := []store.AccountStat{
		stat(1, store.AccountOK, now.Add(-time.Hour), now),
		stat(2, store.AccountLeft, time.Time{}, time.Time{}),
		stat(3, store.AccountOK, now.Add(-80*time.Hour), now),
		stat(4, store.AccountNew, time.Time{}, time.Time{}),
		stat(5, store.AccountFailing, now.Add(-80*time.Hour), now),
		stat(6, store.AccountNeedsReauth, time.Time{}, time.Time{}),
		stat(7, store.AccountOK, time.Time{}, now), // no clue yet, backfill shorter than silent_after
		stat(8, store.AccountFailing, time.Time{}, time.Time{}),
	}
	si := store.Silence{After: 72 * time.Hour, Backfill: 24 * time.Hour}
	store.SortForPeople(stats, si, now)
	var ids []int64
	for _, s := range stats {
		ids = append(ids, s.AdvertiserID)
	}
	require.Equal(t, []int64{6, 5, 8, 3, 4, 1, 7, 2}, ids)
	require.Equal(t, "8 accounts: 2 ok, 2 failing, 1 needs re-auth, 1 silent, 1 new, 1 left",
		store.AccountsSummary(stats, si, now))
	require.Equal(t, "8 accounts: 3 ok, 2 failing, 1 needs re-auth, 1 new, 1 left",
		store.AccountsSummary(stats, store.Silence{}, now), "silent_after 0: nobody is silent")
	require.True(t, store.Silence{After: 72 * time.Hour, Backfill: 72 * time.Hour}.Of(stats[6], now),
		"no clue in a backfill that covered silent_after")
	require.Equal(t, "0 accounts: 0 ok", store.AccountsSummary(nil, si, now))
}

// BenchmarkSortForPeople sorts 10,000 accounts, a fifth of them with a
// problem, as `cluebot accounts` does on every call.
func BenchmarkSortForPeople(b *testing.B) {
	now := time.Date(2026, 3, 9, 15, 0, 0, 0, time.UTC)
	statuses := []string{store.AccountOK, store.AccountOK, store.AccountOK, store.AccountFailing, store.AccountNew}
	base := make([]store.AccountStat, 10_000)
	for i := range base {
		base[i] = store.AccountStat{AccountActivity: store.AccountActivity{AdvertiserID: int64(40_000_000 + i*7919%10_000),
			LastClue: now.Add(-time.Duration(i%120) * time.Hour), LastSuccess: now}, Status: statuses[i%len(statuses)]}
	}
	si := store.Silence{After: 72 * time.Hour, Backfill: 24 * time.Hour}
	stats := make([]store.AccountStat, len(base))
	for b.Loop() {
		copy(stats, base)
		store.SortForPeople(stats, si, now)
	}
}
