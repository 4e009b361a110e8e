package route

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCodesAndIDs: a match on a code the vendor never sends, or on an id
// that is not a number, is an error at its line naming the key and what it
// takes; the codes and ids the vendor does send pass.
func TestCodesAndIDs(t *testing.T) {
	src := func(match string) string {
		return "routes:\n  - name: a\n    receivers: [x]\n    match:\n      " + match + "\n"
	}
	bad := []struct {
		name, match, want string
	}{
		{"source_type", "source_type: 99",
			`rules.yaml:5: unknown source_type code 99 (want one of 1 表单, 2 智能电话, 3 咨询页, or a label) in match.source_type of route "a"`},
		{"sea_type in a list", "sea_type: [1, 0]",
			`rules.yaml:5: unknown sea_type code 0 (want one of 1 公海, 2 私海, or a label) in match.sea_type of route "a"`},
		{"channel_flag", "channel_flag: 3",
			`rules.yaml:5: unknown channel_flag code 3 (want one of 1 广告流量, 2 其他, or a label) in match.channel_flag of route "a"`},
		{"clue_tag", "clue_tag: 6",
			`rules.yaml:5: unknown clue_tag code 6 (want one of 0 未标记, 1 新增, 2 回流, 3 无效, 4 参与返款, 5 不参与返款, or a label) in match.clue_tag of route "a"`},
		{"biz_id", "biz_id: 1004",
			`rules.yaml:5: unknown biz_id code 1004 (want one of 1003 建站, 1005 线索通, 1007 投放平台, 1008 联盟广告, 1010 虚拟商品推广, 1011 快聊, 1021 快说车小程序, 1023 服务号, or a label) in match.biz_id of route "a"`},
		{"phone_stat, as ranges", "phone_stat: 218",
			`rules.yaml:5: unknown phone_stat code 218 (want one of -1..1, 101..110, 201..217, or a label) in match.phone_stat of route "a"`},
		{"advertiser_id", "advertiser_id: abc",
			`rules.yaml:5: advertiser_id "abc" is not a number (want an id like 20006545, a glob like "2000*" or re:<regexp>) in match.advertiser_id of route "a"`},
		{"advertiser_id glob", `advertiser_id: "20x*"`,
			`rules.yaml:5: advertiser_id "20x*" is not a number (want an id like 20006545, a glob like "2000*" or re:<regexp>) in match.advertiser_id of route "a"`},
		{"advertiser_id empty", `advertiser_id: ""`,
			`rules.yaml:5: advertiser_id "" is not a number (want an id like 20006545, a glob like "2000*" or re:<regexp>) in match.advertiser_id of route "a"`},
		{"page_id float", "page_id: 1.5e+20",
			`rules.yaml:5: page_id "1.5e+20" is not a number (want an id like 20006545, a glob like "2000*" or re:<regexp>) in match.page_id of route "a"`},
		{"campaign_id name", "campaign_id: 春季",
			`rules.yaml:5: campaign_id "春季" is not a number (want an id like 20006545, a glob like "2000*" or re:<regexp>) in match.campaign_id of route "a"`},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, []string{tc.want}, errorLines(t, src(tc.match)))
		})
	}
	good := []string{
		"source_type: [1, 2, 3, 表单]", "sea_type: 2", "channel_flag: [1, 2]", "clue_tag: [0, 5]", "biz_id: 1023",
		"phone_stat: [-1, 0, 1, 110, 201, 213, 217]", "intention: [-1, 15, 99]", // intention tables disagree: any code
		"advertiser_id: [20006545, \"2000*\", \"*\", \"re:^2\"]", `page_id: ["", "123456789012345678901234", "5*"]`,
		"unit_id: \"re:.\"", "creative_id: 7",
	}
	for _, m := range good {
		t.Run(m, func(t *testing.T) {
			_, err := Parse("rules.yaml", []byte(src(m)))
			require.NoError(t, err)
		})
	}
}
