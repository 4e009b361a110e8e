package clue

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMarkUpdates(t *testing.T) {
	ptrS := func(s MarkSchedule) *MarkSchedule { return &s }
	ptrC := func(c CallStat) *CallStat { return &c }
	cases := []struct {
		name    string
		u       Update
		text    string
		wantErr string
	}{
		{"已联系", ContactedUpdate(), "schedule_id 1 电话已建联, call_stat 3 已跟进", ""},
		{"无效", InvalidUpdate(), "schedule_id 8 无意向", ""},
		{"tags and a call outcome", Update{ChildIntentions: []int64{2, 13}, CallStat: ptrC(104)},
			"child_intention_id 2 高意向度-有明确需求, child_intention_id 13 多次未建联, call_stat 104 未接通-无人接听", ""},
		{"到店 has no 10 before it", Update{Schedule: ptrS(MarkVisited)}, "schedule_id 11 到店", ""},
		{"empty", Update{}, "no change", "update changes nothing"},
		{"schedule 10 unknown", Update{Schedule: ptrS(10)}, "schedule_id 10 10", "schedule_id 10 is not a progress code"},
		{"system-judged call outcome is the list's, not the update's", Update{CallStat: ptrC(201)}, "call_stat 201 201",
			"call_stat 201 is not a call status"},
		{"call_stat 110 is the list's only", Update{CallStat: ptrC(110)}, "call_stat 110 110", "call_stat 110"},
		{"unknown tag", Update{ChildIntentions: []int64{10}}, "child_intention_id 10 10", "child_intention_id 10"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.text, tc.u.String())
			err := tc.u.Validate()
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}

func TestMarkTablesStayApartFromTheList(t *testing.T) {
	require.Equal(t, "电话建联", ScheduleLabel(1), "the list's schedule")
	require.Equal(t, "电话已建联", MarkSchedules.Label(1), "the update's")
	require.Equal(t, "无意向", MarkSchedules.Label(int64(MarkNoIntent)))
	require.False(t, Schedules.Known(8))
	require.Equal(t, "已跟进", CallStats.Label(int64(CallFollowed)))
	require.Equal(t, "未接通-空号", CallStats.Label(106))
	require.Equal(t, "待联系", PhoneStatLabel(1), "phone_stat 1 is not call_stat 1")
	require.Equal(t, "待跟进", CallStats.Label(1))
	require.Equal(t, "高意向度-高意愿", MarkChildIntentions.Label(1))
	require.Equal(t, "成交付费", MarkChildIntentions.Label(14))
	require.False(t, ChildIntentions.Known(14))
}
