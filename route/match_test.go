package route

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/transform"
)

// noon is a Wednesday noon in Beijing: no active window is involved here.
var noon = time.Date(2024, 6, 5, 12, 0, 0, 0, time.FixedZone("CST", 8*3600))

func henanLead() transform.Lead {
	return transform.Lead{
		ID: "197451604008536386", AdvertiserID: 20006545,
		PageID: "153644601223348224", PageName: "郑州宝马2系试驾",
		Province: "河南", City: "郑州", Store: "哈登店",
		CampaignID: "7001", UnitID: "7002", CreativeID: "7003",
		IntentionID: 3, SourceType: 1, ChannelFlag: 1, ClueTag: 1,
		BizID: 1003, SeaType: 2, PhoneStat: 206,
		Answers: []transform.Answer{
			{Label: "姓名", Value: "张先生", Type: "姓名"},
			{Label: "下拉单选", Value: "宝马2系/河南/郑州/二七区/哈登店",
				Levels: []string{"宝马2系", "河南", "郑州", "二七区", "哈登店"}, Type: transform.CascadeType},
		},
	}
}

func mustParse(t *testing.T, src string) *Rules {
	t.Helper()
	rules, err := Parse("rules.yaml", []byte(src))
	require.NoError(t, err)
	return rules
}

// routeNames routes l and returns the names of the routes it took.
func routeNames(rules *Rules, l *transform.Lead, now time.Time) []string {
	var names []string
	for _, m := range rules.Route(l, now) {
		names = append(names, m.Route.Name)
	}
	return names
}

func TestMatchKeys(t *testing.T) {
	tests := []struct {
		name  string
		match string // a flow mapping
		edit  func(*transform.Lead)
		want  bool
	}{
		{"advertiser_id code", `{advertiser_id: 20006545}`, nil, true},
		{"advertiser_id other", `{advertiser_id: 20006546}`, nil, false},
		{"advertiser_id glob", `{advertiser_id: "2000*"}`, nil, true},
		{"advertiser_id regexp", `{advertiser_id: "re:545$"}`, nil, true},
		{"advertiser_id list", `{advertiser_id: [1, "re:^9", 20006545]}`, nil, true},
		{"page_id beyond 2^53", `{page_id: 153644601223348224}`, nil, true},
		{"page_id off by one", `{page_id: 153644601223348225}`, nil, false},
		{"page_id glob", `{page_id: "1536446*"}`, nil, true},
		{"page_name exact", `{page_name: 郑州宝马2系试驾}`, nil, true},
		{"page_name exact is whole", `{page_name: 宝马}`, nil, false},
		{"page_name glob", `{page_name: "*宝马*"}`, nil, true},
		{"page_name glob anchored", `{page_name: "宝马*"}`, nil, false},
		{"page_name glob suffix", `{page_name: "*试驾"}`, nil, true},
		{"page_name glob middle", `{page_name: "郑州*2系*驾"}`, nil, true},
		{"page_name glob order", `{page_name: "*2系*宝马*"}`, nil, false},
		{"page_name regexp unanchored", `{page_name: "re:宝马\\d系"}`, nil, true},
		{"page_name regexp anchored", `{page_name: "re:^宝马"}`, nil, false},
		{"page_name escaped star", `{page_name: "郑州\\*"}`, func(l *transform.Lead) { l.PageName = "郑州*" }, true},
		{"page_name escaped star is literal", `{page_name: "郑州\\*"}`, nil, false},
		{"province", `{province: 河南}`, nil, true},
		{"province with suffix is another value", `{province: 河南省}`, nil, false},
		{"province list", `{province: [广东, 河南省, 河南]}`, nil, true},
		{"province list none", `{province: [广东, 湖南]}`, nil, false},
		{"city", `{city: 郑州}`, nil, true},
		{"city glob", `{city: "郑*"}`, nil, true},
		{"city regexp", `{city: "re:^(洛阳|开封)$"}`, nil, false},
		{"empty city", `{city: ""}`, func(l *transform.Lead) { l.City = "" }, true},
		{"store", `{store: 哈登店}`, nil, true},
		{"campaign_id", `{campaign_id: 7001}`, nil, true},
		{"unit_id", `{unit_id: [1, 7002]}`, nil, true},
		{"creative_id", `{creative_id: 7004}`, nil, false},
		{"intention label", `{intention: 高价值客户}`, nil, true},
		{"intention code", `{intention: 3}`, nil, true},
		{"intention other label", `{intention: 高意向}`, nil, false},
		{"intention code or label", `{intention: [高意向, 3]}`, nil, true},
		{"intention label of both tables", `{intention: 无意向}`, func(l *transform.Lead) { l.IntentionID = 11 }, true},
		{"intention unknown code", `{intention: 99}`, func(l *transform.Lead) { l.IntentionID = 99 }, true},
		{"intention negative code", `{intention: -1}`, func(l *transform.Lead) { l.IntentionID = -1 }, true},
		{"intention regexp on labels", `{intention: "re:高"}`, func(l *transform.Lead) { l.IntentionID = 13 }, true},
		{"source_type label", `{source_type: 表单}`, nil, true},
		{"source_type code", `{source_type: 1}`, nil, true},
		{"source_type other", `{source_type: 智能电话}`, nil, false},
		{"channel_flag", `{channel_flag: 广告流量}`, nil, true},
		{"channel_flag other", `{channel_flag: 2}`, nil, false},
		{"clue_tag", `{clue_tag: 新增}`, nil, true},
		{"clue_tag other", `{clue_tag: [无效, 回流]}`, nil, false},
		{"biz_id label", `{biz_id: 建站}`, nil, true},
		{"biz_id code", `{biz_id: 1003}`, nil, true},
		{"biz_id other", `{biz_id: 线索通}`, nil, false},
		{"sea_type", `{sea_type: 私海}`, nil, true},
		{"sea_type other", `{sea_type: 公海}`, nil, false},
		{"phone_stat system label", `{phone_stat: 未接通-空号(系统判定)}`, nil, true},
		{"phone_stat manual label", `{phone_stat: 未接通-空号}`, nil, false},
		{"phone_stat code", `{phone_stat: 206}`, nil, true},
		{"phone_stat glob on labels", `{phone_stat: "*空号*"}`, nil, true},
		{"phone_stat glob on labels, manual", `{phone_stat: "*空号*"}`, func(l *transform.Lead) { l.PhoneStat = 106 }, true},
		{"phone_stat glob misses", `{phone_stat: "已接通*"}`, nil, false},
		{"form whole cascade", `{form: {下拉单选: 宝马2系/河南/郑州/二七区/哈登店}}`, nil, true},
		{"form cascade level", `{form: {下拉单选: 二七区}}`, nil, true},
		{"form glob", `{form: {下拉单选: "宝马*"}}`, nil, true},
		{"form glob misses", `{form: {下拉单选: "奔驰*"}}`, nil, false},
		{"form regexp", `{form: {下拉单选: "re:/郑州/"}}`, nil, true},
		{"form plain answer", `{form: {姓名: [李先生, 张先生]}}`, nil, true},
		{"form missing answer", `{form: {车型: "*"}}`, nil, false},
		{"form every label must hold", `{form: {姓名: 张先生, 下拉单选: 奔驰}}`, nil, false},
		{"every key must hold", `{province: 河南, city: 洛阳}`, nil, false},
		{"all keys hold", `{province: 河南, city: 郑州, intention: 3, page_name: "*宝马*"}`, nil, true},
		{"empty match takes everything", `{}`, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rules := mustParse(t, "routes:\n  - name: r\n    match: "+tc.match+"\n    receivers: [x]\n")
			l := henanLead()
			if tc.edit != nil {
				tc.edit(&l)
			}
			require.Equal(t, tc.want, rules.Route(&l, noon) != nil)
			require.Equal(t, tc.want, rules.Routes[0].Matches(&l))
		})
	}
}

func TestNot(t *testing.T) {
	tests := []struct {
		name string
		not  string
		want bool
	}{
		{"not key misses", `{city: 洛阳}`, true},
		{"not key holds", `{city: 郑州}`, false},
		{"not list: any item rejects", `{city: [洛阳, 郑州]}`, false},
		{"not keys: any key rejects", `{city: 洛阳, intention: 高价值客户}`, false},
		{"not keys: none holds", `{city: 洛阳, intention: 高意向}`, true},
		{"not form", `{form: {下拉单选: "*哈登店"}}`, false},
		{"not missing answer does not reject", `{form: {车型: "*"}}`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rules := mustParse(t, "routes:\n  - name: r\n    match: {province: 河南}\n    not: "+tc.not+"\n    receivers: [x]\n")
			l := henanLead()
			require.Equal(t, tc.want, rules.Route(&l, noon) != nil)
		})
	}
	rules := mustParse(t, "routes:\n  - name: r\n    not: {city: 郑州}\n    receivers: [x]\n")
	l := henanLead()
	require.Nil(t, rules.Route(&l, noon), "not without match")
	l.City = "洛阳"
	require.NotNil(t, rules.Route(&l, noon))
	require.False(t, rules.Routes[0].CatchAll())
}
