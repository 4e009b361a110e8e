package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// MigratedClue checks a clue a backend's test stored with its first
// migration's schema, before routing existed, once s has upgraded it: id
// "1", advertiser 7, created and updated at 1000 ms, intention 3, phone
// stat 1, schedule 7, tag 2, source 5, page "p"/"页", user "张三", phone
// "138", place "省"/"市"/"店", raw "{}", first seen and last updated at
// 2000 ms. It reads back as stored, unrouted with nothing enqueued, and
// can then be routed.
func MigratedClue(t *testing.T, s store.Store) {
	t.Helper()
	ms := func(n int64) time.Time { return time.UnixMilli(n).UTC() }
	c, err := s.Clue(t.Context(), "1")
	require.NoError(t, err)
	require.Equal(t, store.Clue{ID: "1", AdvertiserID: 7, CreateTime: ms(1000), UpdateTime: ms(1000),
		IntentionID: 3, PhoneStat: 1, ScheduleID: 7, ClueTag: 2, SourceType: 5, PageID: "p", PageName: "页",
		UserName: "张三", Phone: "138", Province: "省", City: "市", Store: "店", Raw: []byte(`{}`),
		FirstSeen: ms(2000), LastUpdated: ms(2000)}, c, "not routed, nothing enqueued")
	unrouted, err := s.UnroutedClues(t.Context(), 10)
	require.NoError(t, err)
	require.Len(t, unrouted, 1)

	saved, err := s.SaveRouting(t.Context(), store.Routing{ClueID: "1", RoutedAt: ms(3000),
		Results: []store.RouteResult{{Route: "r", Receivers: []string{"a"}}}})
	require.NoError(t, err)
	require.True(t, saved)
	c, err = s.Clue(t.Context(), "1")
	require.NoError(t, err)
	require.Equal(t, []string{"r"}, c.Routes)
	require.Equal(t, 1, c.Pending)
}
