package rulesdiff

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// routedRecords are the raw records of the routed-lead test: the vendor's
// samples, the fixtures of transform and route, bench leads, and records
// that take the lenient decoding, carry their place only in a form or in
// the row, or do not decode.
func routedRecords(t *testing.T) []string {
	t.Helper()
	var recs []string
	for _, file := range []string{"../clue/testdata/clue-list-sample.json", "../clue/testdata/clue-list-variant.json"} {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		var page struct {
			Data struct {
				Details []json.RawMessage `json:"details"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal(data, &page))
		for _, r := range page.Data.Details {
			recs = append(recs, string(r))
		}
	}
	for _, file := range []string{"../transform/testdata/clue-call.json", "../route/testdata/sample-clue.json"} {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		recs = append(recs, string(data))
	}
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, i := range []int{0, 1, 5, 7, 11, 33, 34, 100, 132, 999} {
		recs = append(recs, string(benchLead(base, i).Raw))
	}
	cascade := `"details": [{"key": "下拉单选", "value": "[\"中国\",\"河南\",\"洛阳\",\"涧西区\",\"洛阳旗舰店\"]", "comp_type": "级联单选"},
		{"key": "意向车型", "value": " 宝马 3系 "}]`
	return append(recs,
		`{"id": 41, "page_name": "郑州宝马试驾", "intention_id": 3, "account_id": 20006545, `+cascade+`}`,
		`{"id": 42, "page_name": "洛阳宝马", "intention_id": 13, "user_id": "x", "create_time": 1, `+cascade+`}`,
		`{"id": 43, "clue_source": {"page_id": 77, "page_name": " 宝马春季 ", "dsp_campaign_id": 880, "dsp_unit_id": 881,
			"dsp_creative_id": 882}, "sea_type": 1, "biz_id": 1005, "channel_flag": 2, "clue_tag": 4, "phone_stat": 201,
			"schedule": "x", "icc_info": 7}`,
		`{"id": 44, "details": [{"key": "门店", "value": "1", "store_info": {"store_name": "新乡店", "province": "河南",
			"city": "新乡"}}], "form": [], "give_up_reason": {"a": 1}}`,
		`{"id": 45, "user_name": 12345, "phone": "138 0013 8000", "intention_id": "3", "page_name": "宝马"}`,
		`{"id": 46, "store_info": {"province": "河北"}, "details": {"key": "k", "value": "v"}}`,
		`{"id": 47}`,
		`{"id": 0, "page_name": "宝马"}`,
		`{"id": 48, "page_name": "宝马"`,
		`[]`,
	)
}

// routedRules are rules reading every match key, form answers and a field
// mapping, and the benchmark's.
const routedRules = `
fields:
  province: {form: 下拉单选, level: 2}
  city:     {form: 下拉单选, level: 3}
  store:    {form: 下拉单选, level: 5}
routes:
  - name: henan-hot
    match: {province: 河南, page_name: "*宝马*", intention: [高价值客户, 2, 3]}
    not: {city: 洛阳}
    receivers: [henan-sales]
    continue: true
  - name: luoyang-store
    match: {store: "re:洛阳", form: {意向车型: "*3系*"}}
    receivers: [luoyang]
    continue: true
  - name: campaign
    match: {campaign_id: 880, unit_id: ["881"], creative_id: "88*", page_id: 77}
    receivers: [ads]
    continue: true
  - name: enums
    match: {sea_type: 1, biz_id: 1005, channel_flag: 2, clue_tag: 4, phone_stat: 201}
    receivers: [enums]
    continue: true
  - name: advertiser
    match: {advertiser_id: "2000*", source_type: [1, 2, 3]}
    receivers: [adv]
    continue: true
  - name: xinxiang
    match: {city: 新乡}
    receivers: [xinxiang]
  - name: everything-else
    receivers: [managers]
`

// routedOf is what routing reads of a lead, and what an example shows.
func routedOf(l transform.Lead) transform.Lead {
	return transform.Lead{ID: l.ID, UserName: l.UserName, Phone: l.Phone, AdvertiserID: l.AdvertiserID,
		PageID: l.PageID, PageName: l.PageName, Province: l.Province, City: l.City, Store: l.Store,
		CampaignID: l.CampaignID, UnitID: l.UnitID, CreativeID: l.CreativeID, IntentionID: l.IntentionID,
		SourceType: l.SourceType, ChannelFlag: l.ChannelFlag, ClueTag: l.ClueTag, BizID: l.BizID,
		SeaType: l.SeaType, PhoneStat: l.PhoneStat, Answers: l.Answers}
}

// TestRoutedLeadRoutesAsFull: for every record, rules and row, the lead
// RoutedFromStored makes of the routing columns routes exactly like the
// lead FromStored makes of the whole row, and shows the same id, name and
// phone, with the answers of rules that read them; a record that does not
// decode fails both.
func TestRoutedLeadRoutesAsFull(t *testing.T) {
	rulesets := map[string]*route.Rules{"every key": parse(t, routedRules),
		"bench": benchRules(t, false), "bench changed": benchRules(t, true)}
	at := time.Date(2025, 3, 3, 10, 0, 0, 0, beijing) // a Monday in office hours
	rows := map[string]store.Clue{
		"columns": {ID: "9", AdvertiserID: 20006545, CreateTime: at, UpdateTime: at, IntentionID: 3,
			PageID: "1", PageName: "列宝马", UserName: "列", Phone: "13800000000", Province: "河南", City: "郑州", Store: "列店"},
		"no advertiser": {ID: "9", CreateTime: at},
	}
	for _, rec := range routedRecords(t) {
		for rname, row := range rows {
			row.Raw = []byte(rec)
			light := store.Clue{ID: row.ID, AdvertiserID: row.AdvertiserID, CreateTime: row.CreateTime,
				Province: row.Province, City: row.City, Store: row.Store, Raw: []byte(rec)}
			for name, rules := range rulesets {
				opts := transform.Options{Zone: beijing, Fields: rules.Fields}
				full, err := transform.FromStored(&row, opts)
				routed, rerr := transform.RoutedFromStored(&light, opts, rules.ReadsAnswers())
				what := name + ", " + rname + ": " + strings.ToValidUTF8(rec[:min(len(rec), 60)], "?")
				require.Equal(t, err, rerr, what)
				if err != nil {
					continue
				}
				want, got := routedOf(full), routedOf(routed)
				if !rules.ReadsAnswers() {
					want.Answers, got.Answers = nil, nil // not read, so perhaps not decoded
				}
				require.Equal(t, want, got, what)
				for _, now := range []time.Time{at, at.Add(12 * time.Hour)} {
					require.Equal(t, routeNames(rules.Route(&full, now)), routeNames(rules.Route(&routed, now)), what)
				}
			}
		}
	}
}

func routeNames(ms []route.Match) []string {
	var names []string
	for _, m := range ms {
		names = append(names, m.Route.Name)
	}
	return names
}
