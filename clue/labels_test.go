package clue

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLabels(t *testing.T) {
	tests := []struct {
		name string
		fn   func(int64) string
		code int64
		want string
	}{
		{"clue_tag 0", ClueTagLabel, 0, "未标记"},
		{"clue_tag 3", ClueTagLabel, 3, "无效"},
		{"clue_tag 5", ClueTagLabel, 5, "不参与返款"},
		{"phone_stat 0", PhoneStatLabel, 0, "未标记"},
		{"phone_stat -1", PhoneStatLabel, -1, "错误"},
		{"phone_stat 1", PhoneStatLabel, 1, "待联系"},
		{"phone_stat 101", PhoneStatLabel, 101, "已接通-有效通话"},
		{"phone_stat 106", PhoneStatLabel, 106, "未接通-空号"},
		{"phone_stat 110", PhoneStatLabel, 110, "主动挂断"},
		{"phone_stat 201", PhoneStatLabel, 201, "已接通-有效通话(系统判定)"},
		{"phone_stat 206 by the pattern", PhoneStatLabel, 206, "未接通-空号(系统判定)"},
		{"phone_stat 210", PhoneStatLabel, 210, "主动挂断(系统判定)"},
		{"phone_stat 213", PhoneStatLabel, 213, "呼叫拦截"},
		{"phone_stat unknown", PhoneStatLabel, 216, "216"},
		{"intention old 0", IntentionLabel, 0, "未标记"},
		{"intention old 2", IntentionLabel, 2, "潜在客户"},
		{"intention old 3", IntentionLabel, 3, "高价值客户"},
		{"intention old 4", IntentionLabel, 4, "已成单"},
		{"intention new -1", IntentionLabel, -1, "全部"},
		{"intention new 10", IntentionLabel, 10, "清洗中"},
		{"intention new 13", IntentionLabel, 13, "高意向"},
		{"intention new 15", IntentionLabel, 15, "无效号码"},
		{"intention unknown", IntentionLabel, 7, "7"},
		{"source_type 1", SourceTypeLabel, 1, "表单"},
		{"source_type 2", SourceTypeLabel, 2, "智能电话"},
		{"source_type 3", SourceTypeLabel, 3, "咨询页"},
		{"source_type unknown", SourceTypeLabel, 0, "0"},
		{"sea_type 1", SeaTypeLabel, 1, "公海"},
		{"sea_type 2", SeaTypeLabel, 2, "私海"},
		{"biz_id 1003", BizLabel, 1003, "建站"},
		{"biz_id 1010", BizLabel, 1010, "虚拟商品推广"},
		{"biz_id 1023", BizLabel, 1023, "服务号"},
		{"biz_id unknown", BizLabel, 1004, "1004"},
		{"channel_flag 1", ChannelFlagLabel, 1, "广告流量"},
		{"channel_flag 2", ChannelFlagLabel, 2, "其他"},
		{"schedule 0", ScheduleLabel, 0, "新线索"},
		{"schedule 4", ScheduleLabel, 4, "成交"},
		{"child intention 1", ChildIntentionLabel, 1, "高意向度-高意愿"},
		{"child intention 9", ChildIntentionLabel, 9, "无意向类标签-业务范围不符"},
		{"child intention unknown", ChildIntentionLabel, 10, "10"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.fn(tc.code))
		})
	}
}

func TestCodes(t *testing.T) {
	tests := []struct {
		name  string
		enum  *Enum
		label string
		want  []int64
	}{
		{"both intention tables", Intentions, "无意向", []int64{1, 11}},
		{"shared 未标记", Intentions, "未标记", []int64{0}},
		{"high value", Intentions, "高价值客户", []int64{3}},
		{"new high", Intentions, "高意向", []int64{13}},
		{"spaces trimmed", Intentions, " 高意向 ", []int64{13}},
		{"system judged", PhoneStats, "未接通-空号(系统判定)", []int64{206}},
		{"full-width parentheses", PhoneStats, "未接通-空号（系统判定）", []int64{206}},
		{"manual only", PhoneStats, "未接通-空号", []int64{106}},
		{"source type", SourceTypes, "智能电话", []int64{2}},
		{"biz", BizIDs, "快说车小程序", []int64{1021}},
		{"unknown label", Intentions, "很想买", nil},
		{"code is not a label", Intentions, "3", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.enum.Codes(tc.label))
		})
	}
	require.Equal(t, []int64{1, 11}, IntentionCodes("无意向"))
}

func TestCodesIsACopy(t *testing.T) {
	c := Intentions.Codes("无意向")
	c[0] = 99
	require.Equal(t, []int64{1, 11}, Intentions.Codes("无意向"))
}

func TestEnumByKey(t *testing.T) {
	for key, want := range map[string]*Enum{
		"intention": Intentions, "source_type": SourceTypes, "clue_tag": ClueTags,
		"phone_stat": PhoneStats, "biz_id": BizIDs, "sea_type": SeaTypes,
		"channel_flag": ChannelFlags, "schedule": Schedules, "province": nil,
	} {
		t.Run(key, func(t *testing.T) {
			require.Same(t, want, EnumByKey(key))
			if want != nil {
				require.NotEmpty(t, want.Labels())
				require.Equal(t, key, want.Name())
			}
		})
	}
}
