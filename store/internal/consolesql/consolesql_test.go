package consolesql

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

func TestPlan(t *testing.T) {
	tests := []struct {
		name          string
		q             store.LeadQuery
		tail, trigram bool
		limit         int
	}{
		{"phone tail", store.LeadQuery{Q: "1234"}, true, true, DefaultLimit},
		{"three digits", store.LeadQuery{Q: "123"}, false, true, DefaultLimit},
		{"five digits", store.LeadQuery{Q: "12345"}, false, true, DefaultLimit},
		{"fullwidth digits are no tail", store.LeadQuery{Q: "１２３４"}, false, true, DefaultLimit},
		{"two characters", store.LeadQuery{Q: "张三"}, false, false, DefaultLimit},
		{"three characters", store.LeadQuery{Q: "张三丰"}, false, true, DefaultLimit},
		{"limit kept", store.LeadQuery{Limit: 7}, false, false, 7},
		{"limit bounded", store.LeadQuery{Limit: 5000}, false, false, MaxLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := Plan(tt.q)
			require.NoError(t, err)
			require.Equal(t, tt.tail, q.Tail, "tail")
			require.Equal(t, tt.trigram, q.Trigram, "trigram")
			require.Equal(t, tt.limit, q.Limit)
		})
	}
	_, err := Plan(store.LeadQuery{Offset: -1})
	require.Error(t, err)
}

func TestOverviewAcrossAClockChange(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	day := time.Date(2025, 10, 26, 0, 0, 0, 0, berlin) // 25 hours: 02:00-03:00 twice
	ov := Overview(store.OutboxStats{Pending: 1}, day, []DayGroup{
		{Hour: 2, Routed: true, Routes: []string{"a"}, Count: 1},      // 02:00 CEST
		{Hour: 3, Routed: true, Routes: []string{"a", "b"}, Count: 2}, // 02:00 CET
		{Hour: 4, Routed: true, Count: 4},                             // 03:00, unrouted
		{Hour: 5, Count: 8},                                           // not routed yet
	})
	require.Equal(t, 15, ov.TodayTotal)
	require.Equal(t, 4, ov.TodayUnrouted)
	require.Equal(t, map[string]int{"a": 3, "b": 2}, ov.TodayByRoute)
	require.Len(t, ov.TodayByHour, 24)
	require.Equal(t, store.HourCount{Hour: 2, Count: 3}, ov.TodayByHour[2])
	require.Equal(t, store.HourCount{Hour: 3, Count: 4}, ov.TodayByHour[3])
	require.Equal(t, store.HourCount{Hour: 4, Count: 8}, ov.TodayByHour[4])
}
