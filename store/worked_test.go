package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/store"
)

// TestWorkedAt: the change that first showed the lead worked on, against
// how cluebot first stored it, whichever values followed.
func TestWorkedAt(t *testing.T) {
	t0 := time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC)
	entry := func(min int, phone, schedule, intention int64) store.HistoryEntry {
		return store.HistoryEntry{ChangedAt: t0.Add(time.Duration(min) * time.Minute), PhoneStat: phone,
			ScheduleID: schedule, IntentionID: intention}
	}
	tests := []struct {
		name   string
		hist   []store.HistoryEntry
		now    clue.Status
		wantAt int // minutes after t0; -1: never worked
	}{
		{"never changed", nil, clue.Status{PhoneStat: 101}, -1},
		{"the last change is a call", []store.HistoryEntry{entry(5, 0, 0, 0)}, clue.Status{PhoneStat: 101}, 5},
		{"a change that is no call, then a call", []store.HistoryEntry{entry(5, 0, 0, 0), entry(9, 1, 0, 0)},
			clue.Status{PhoneStat: 102}, 9},
		{"the schedule left 新线索 first", []store.HistoryEntry{entry(3, 0, 0, 0), entry(7, 0, 1, 0)},
			clue.Status{PhoneStat: 101, ScheduleID: 1}, 3},
		{"清洗中 is not worked", []store.HistoryEntry{entry(4, 0, 0, 0)}, clue.Status{IntentionID: 10}, -1},
		{"worked, then back: still worked then", []store.HistoryEntry{entry(2, 0, 0, 0), entry(6, 101, 0, 0)},
			clue.Status{}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			at, ok := store.WorkedAt(tc.hist, tc.now)
			if tc.wantAt < 0 {
				require.False(t, ok)
				require.True(t, at.IsZero())
				return
			}
			require.True(t, ok)
			require.Equal(t, t0.Add(time.Duration(tc.wantAt)*time.Minute), at)
		})
	}
}
