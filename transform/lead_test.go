package transform

import (
	"encoding/json"
	"os"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Shanghai without the system's zoneinfo

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
)

// sampleFields is the fields mapping the vendor sample's form needs.
var sampleFields = Fields{
	Province: FieldRef{Form: "下拉单选", Level: 2},
	City:     FieldRef{Form: "下拉单选", Level: 3},
	Store:    FieldRef{Form: "下拉单选", Level: 5},
}

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	return loc
}

// sampleClue decodes the first clue of the vendor's sample response.
func sampleClue(t *testing.T) clue.Clue {
	t.Helper()
	b, err := os.ReadFile("testdata/clue-list-sample.json")
	require.NoError(t, err)
	var resp struct {
		Data struct {
			Details []json.RawMessage `json:"details"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(b, &resp))
	require.Len(t, resp.Data.Details, 1)
	c, err := clue.Decode(resp.Data.Details[0])
	require.NoError(t, err)
	return c
}

func fileClue(t *testing.T, name string) clue.Clue {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	c, err := clue.Decode(b)
	require.NoError(t, err)
	return c
}

func TestNewVendorSample(t *testing.T) {
	c := sampleClue(t)
	l := New(&c, Options{Zone: shanghai(t), Fields: sampleFields, AccountNames: map[int64]string{20006545: "郑州宝马"}})

	require.Equal(t, "197451604008536386", l.ID)
	require.Equal(t, int64(20006545), l.AdvertiserID, "falls back to account_id")
	require.Equal(t, "郑州宝马", l.AccountName)
	require.Equal(t, "2296341624", l.UserID)
	require.Equal(t, "旧表单打点1", l.UserName)
	require.Equal(t, "15584418917", l.Phone)
	require.Equal(t, "155****8917", l.PhoneMasked)
	require.Equal(t, "153644601223348224", l.PageID)
	require.Equal(t, "王测试表单打点1", l.PageName)
	require.Contains(t, l.SourceURL, "pageId=1536446012233482")

	require.Equal(t, int64(1), l.SourceType)
	require.Equal(t, "表单", l.SourceTypeLabel)
	require.Equal(t, int64(0), l.IntentionID)
	require.Equal(t, "未标记", l.IntentionLabel)
	require.Equal(t, "未标记", l.PhoneStatLabel)
	require.Equal(t, "未标记", l.ClueTagLabel)
	require.Equal(t, "建站", l.BizLabel)
	require.Equal(t, "私海", l.SeaTypeLabel)
	require.Equal(t, "广告流量", l.ChannelFlagLabel)
	require.Equal(t, "新线索", l.ScheduleLabel)
	require.Empty(t, l.ChildIntentions)
	require.Equal(t, "", l.CampaignID, "dsp ids of 0 mean none")
	require.Equal(t, "145284513928645901", l.FormID)
	require.Equal(t, "表单10-14 17:16", l.FormName)

	require.Equal(t, []Answer{
		{Label: "姓名", Value: "旧表单打点1", Type: "姓名"},
		{Label: "电话", Value: "15584418917", Type: "电话"},
		{Label: "下拉单选", Value: "宝马2系/河南/郑州/二七区/哈登店",
			Levels: []string{"宝马2系", "河南", "郑州", "二七区", "哈登店"}, Type: CascadeType},
	}, l.Answers)
	require.Equal(t, map[string]string{
		"姓名": "旧表单打点1", "电话": "15584418917", "下拉单选": "宝马2系/河南/郑州/二七区/哈登店",
	}, l.Form())

	require.Equal(t, "河南", l.Province)
	require.Equal(t, "郑州", l.City)
	require.Equal(t, "哈登店", l.Store)
	require.True(t, l.ICC.IsZero())
}

func TestNewTimes(t *testing.T) {
	c := sampleClue(t)
	tests := []struct {
		name           string
		zone           *time.Location
		create, update string
	}{
		{"shanghai", shanghai(t), "2021-03-07 16:10:49 CST", "2021-03-11 17:41:23 CST"},
		{"utc", time.UTC, "2021-03-07 08:10:49 UTC", "2021-03-11 09:41:23 UTC"},
		{"default is beijing time", nil, "2021-03-07 16:10:49 UTC+8", "2021-03-11 17:41:23 UTC+8"},
	}
	const layout = "2006-01-02 15:04:05 MST"
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := New(&c, Options{Zone: tc.zone})
			require.Equal(t, tc.create, l.CreateTime.Format(layout))
			require.Equal(t, tc.update, l.UpdateTime.Format(layout))
			require.Equal(t, int64(1615104649), l.CreateTime.Unix(), "same instant in every zone")
		})
	}
}

func TestNewWithoutFields(t *testing.T) {
	c := sampleClue(t)
	l := New(&c, Options{})
	require.Empty(t, l.Province+l.City+l.Store, "no store_info and no mapping: unknown")

	last := New(&c, Options{Fields: Fields{Store: FieldRef{Form: "下拉单选", Level: -1}}})
	require.Equal(t, "哈登店", last.Store, "level -1 is the last level")

	whole := New(&c, Options{Fields: Fields{City: FieldRef{Form: "下拉单选"}}})
	require.Equal(t, "宝马2系/河南/郑州/二七区/哈登店", whole.City, "level 0 is the whole value")

	out := New(&c, Options{Fields: Fields{City: FieldRef{Form: "下拉单选", Level: 6}}})
	require.Empty(t, out.City)
}

func TestNewCallClue(t *testing.T) {
	c := fileClue(t, "clue-call.json")
	l := New(&c, Options{Zone: shanghai(t), Fields: sampleFields})

	require.Equal(t, "1234567890123456789012", l.ID, "22-digit id kept whole")
	require.Equal(t, "153644601223348300", l.PageID)
	require.Equal(t, "王先生", l.UserName)
	require.Equal(t, "+86 139****1234", l.PhoneMasked)

	require.Equal(t, "智能电话", l.SourceTypeLabel)
	require.Equal(t, "高意向", l.IntentionLabel)
	require.Equal(t, "217", l.PhoneStatLabel, "unknown code shown as its number")
	require.Equal(t, "9", l.ClueTagLabel)
	require.Equal(t, "9999", l.BizLabel)
	require.Equal(t, "公海", l.SeaTypeLabel)
	require.Equal(t, "其他", l.ChannelFlagLabel)
	require.Equal(t, "已回访", l.ScheduleLabel, "unknown schedule uses the vendor's description")
	require.Equal(t, []string{"高意向度-有明确需求"}, l.ChildIntentions)
	require.Equal(t, []string{"7001", "7002", "7003"}, []string{l.CampaignID, l.UnitID, l.CreativeID})

	require.Equal(t, "广东", l.Province, "store_info wins over the fields mapping")
	require.Equal(t, "广州", l.City)
	require.Equal(t, "天河店", l.Store)
	require.Equal(t, "GZ-01", l.StoreNumber)

	require.Equal(t, `["宝马5系",`, l.Answers[1].Value, "malformed cascade kept as is")
	require.Nil(t, l.Answers[1].Levels)
	require.Equal(t, []string{"1", "2"}, l.Answers[2].Levels)
	require.True(t, l.Answers[0].IsPhone())

	require.Equal(t, "王先生", l.ICC.PhoneName)
	require.Equal(t, "139****1234", l.ICC.ToPhoneMasked)
	require.Equal(t, "020****6666", l.ICC.FromPhoneMasked)
	require.Equal(t, "2024-05-31 23:31:00", l.ICC.Start.Format(clue.TimeLayout))
	require.Equal(t, "2024-05-31 23:31:05", l.ICC.Answer.Format(clue.TimeLayout), "epoch ms")
	require.True(t, l.ICC.Finish.IsZero(), "null time")
	require.Equal(t, int64(95), l.ICC.DurationSeconds)
	require.Equal(t, int64(101), l.ICC.Stat)
	require.Equal(t, l.CreateTime, l.UpdateTime, "no update_time: the creation time")
}

func TestFormAndAnswer(t *testing.T) {
	l := Lead{Answers: []Answer{
		{Label: "车型", Value: "宝马2系"},
		{Label: "备注", Value: "周末看车"},
		{Label: "车型", Value: "宝马X3"},
	}}
	require.Equal(t, map[string]string{"车型": "宝马2系; 宝马X3", "备注": "周末看车"}, l.Form(),
		"answers sharing a label are joined")
	a, ok := l.Answer("车型")
	require.True(t, ok)
	require.Equal(t, "宝马2系", a.Value, "the first one")
	_, ok = l.Answer("城市")
	require.False(t, ok)
	require.Empty(t, Lead{}.Form())
}
