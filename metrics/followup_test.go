package metrics

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/sqlite"
)

func TestFollowupOverdueFromTheStore(t *testing.T) {
	now := time.Date(2026, 10, 12, 2, 0, 0, 0, time.UTC)
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "c.db"), sqlite.Options{Now: func() time.Time { return now }})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	for _, id := range []string{"1", "2"} {
		_, err := st.UpsertClues(t.Context(), []store.Clue{{ID: id, AdvertiserID: 7, CreateTime: now, UpdateTime: now, Raw: []byte(`{}`)}})
		require.NoError(t, err)
		_, err = st.SaveRouting(t.Context(), store.Routing{ClueID: id, RoutedAt: now,
			Results: []store.RouteResult{{Route: "hot", Receivers: []string{"sales"}}}})
		require.NoError(t, err)
		items, err := st.OutboxItems(t.Context(), id)
		require.NoError(t, err)
		require.NoError(t, st.MarkSent(t.Context(), []int64{items[0].ID}, now))
		require.NoError(t, st.ScheduleFollowup(t.Context(), id, "hot", now.Add(15*time.Minute), time.Time{}, time.Time{}))
	}
	at := now
	m := New(st, func() time.Time { return at }, nil)
	require.Contains(t, scrape(t, m), "cluebot_followup_overdue 0")
	at = now.Add(16 * time.Minute)
	require.Contains(t, scrape(t, m), "cluebot_followup_overdue 2")
	_, err = st.FinishFollowups(t.Context(), "1", at)
	require.NoError(t, err)
	require.Contains(t, scrape(t, m), "cluebot_followup_overdue 1")
	at = now.Add(store.OverdueFor)
	require.Contains(t, scrape(t, m), "cluebot_followup_overdue 0", "alerted a week ago: no longer counted")
}
