package clue_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
)

// routedPart is what DecodeRouted promises to decode as Decode does, the
// form answers when asked for or when the clue's store_info is empty.
func routedPart(c clue.Clue, answers bool) clue.Clue {
	r := clue.Clue{ID: c.ID, AccountID: c.AccountID, UserName: c.UserName, Phone: c.Phone,
		PageID: c.PageID, PageName: c.PageName, IntentionID: c.IntentionID, PhoneStat: c.PhoneStat,
		ClueTag: c.ClueTag, SourceType: c.SourceType, SeaType: c.SeaType, BizID: c.BizID,
		ChannelFlag: c.ChannelFlag, ClueSource: c.ClueSource, StoreInfo: c.StoreInfo}
	if answers || c.StoreInfo.IsZero() {
		r.Details = c.Details
	}
	return r
}

// routedSeeds are records whose routed part fits the strict shapes while
// some other field does not, so that Decode takes its lenient path and
// DecodeRouted does not.
var routedSeeds = []string{
	`{"id": 7, "user_id": "x1", "create_time": 20250301, "schedule": [1], "icc_info": "none",
		"store_info": {"province": "河南", "city": "郑州"}, "intention_id": 3, "page_name": "宝马"}`,
	`{"id": "8", "form": {"id": {"x": 1}}, "child_intention_tag": 5, "give_up_reason": 12,
		"details": [{"key": "省份", "value": "[\"河南\",\"郑州\"]", "comp_type": "级联单选"}]}`,
	`{"id": 9, "source_url": {"a": 1}, "update_time": [], "clue_source": {"dsp_campaign_id": 11, "page_name": "p"}}`,
	`{"id": 10, "phone": "13800000000", "user_name": "张\u5148\u751f", "sea_type": 1, "biz_id": 2,
		"channel_flag": 3, "clue_tag": 4, "phone_stat": 5, "account_id": 90000000001, "schedule": {"schedule_id": "x"}}`,
	`{"id": 11, "details": [{"key": "门店", "store_info": {"store_name": "旗舰店", "province": "河北"}}], "icc_info": {"call_duration": "x"}}`,
	`{"id": 12, "user_id": 1.5, "store_info": {"province": 7}}`,
	`{"user_id": "x", "intention_id": 3}`,
	`{"id": 0, "form": 1}`,
	`{"id": 13, "store_info": {"city": "洛阳"}, "details": [{"key": "k", "value": 1}], "icc_info": []}`,
	`{"id": 14, "store_info": {}, "details": [{"key": "门店", "store_info": {"store_name": "店", "city": "郑州"}}]}`,
	`{"id": 15, "store_info": {"store_name": " "}, "details": [{"key": "门店", "store_info": {"province": "河南"}}]}`,
}

// TestDecodeRoutedAsDecode: for every fixture, hostile record and record
// whose other fields take Decode's lenient path, DecodeRouted gives the
// routed fields and the error Decode gives.
func TestDecodeRoutedAsDecode(t *testing.T) {
	recs := fuzzSeedRecords(t)
	for _, s := range routedSeeds {
		recs = append(recs, []byte(s))
	}
	for _, rec := range recs {
		t.Run(strings.ToValidUTF8(string(rec[:min(len(rec), 40)]), "?"), func(t *testing.T) {
			checkRouted(t, rec)
		})
	}
}

func checkRouted(t *testing.T, rec []byte) {
	t.Helper()
	want, wantErr := clue.Decode(rec)
	for _, answers := range []bool{true, false} {
		got, err := clue.DecodeRouted(append([]byte(nil), rec...), answers)
		require.Equal(t, wantErr, err)
		if wantErr == nil {
			require.Equal(t, routedPart(want, answers), routedPart(got, answers))
			require.Equal(t, want.Store(), got.Store(), "the clue's place")
		}
	}
}

// FuzzDecodeRouted checks DecodeRouted against Decode on arbitrary bytes.
func FuzzDecodeRouted(f *testing.F) {
	for _, rec := range fuzzSeedRecords(f) {
		f.Add(rec)
	}
	for _, s := range routedSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkRouted)
}
