package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cluebot/cluebot/store"
)

// benchRaw returns about 1.5 KB of clue JSON shaped like the vendor's.
func benchRaw(id string, created time.Time, intention int) []byte {
	ts := created.Format(time.DateTime)
	var b strings.Builder
	fmt.Fprintf(&b, `{"id":"%s","clue_tag":2,"user_name":"张先生","phone":"138****%04d","phone_stat":1,`, id, len(id)*7%10000)
	fmt.Fprintf(&b, `"intention_id":%d,"account_id":"90000000001","user_id":"3%s","give_up_reason":"",`, intention, id[:12])
	b.WriteString(`"source_type":5,"page_id":"1974516040085363861","page_name":"春季装修免费设计报名页",`)
	b.WriteString(`"source_url":"https://chenzhongtech.com/page/1974516040085363861?from=feed&cid=12345",`)
	fmt.Fprintf(&b, `"create_time":"%s","update_time":"%s","sea_type":0,"biz_id":1,"channel_flag":0,`, ts, ts)
	b.WriteString(`"child_intention_tag":[{"child_intention_id":31,"child_intention_desc":"意向强烈"}],`)
	b.WriteString(`"schedule":{"schedule_id":7,"schedule_desc":"已联系"},`)
	b.WriteString(`"clue_source":{"campaign_id":"8800112233","unit_id":"8800112234","creative_id":"8800112235"},`)
	b.WriteString(`"store_info":{"store_id":"5501","store_name":"南山旗舰店","province":"广东省","city":"深圳市"},`)
	b.WriteString(`"details":[`)
	for i := range 6 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"label":"问题%d：您的房屋面积是多少？","answer":"%d 平方米左右，希望尽快上门量房"}`, i, 80+i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// BenchClues returns n clues with ids from first on, created a second
// apart, each with about 1.5 KB of raw JSON shaped like the vendor's: the
// data every backend's benchmarks store.
func BenchClues(first, n, intention int) []store.Clue {
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	clues := make([]store.Clue, n)
	for i := range clues {
		id := fmt.Sprintf("197451604008536%07d", first+i)
		created := base.Add(time.Duration(first+i) * time.Second)
		clues[i] = store.Clue{
			ID: id, AdvertiserID: int64(90000000001 + i%5), CreateTime: created, UpdateTime: created,
			IntentionID: int64(intention), PhoneStat: 1, ScheduleID: 7, ClueTag: 2, SourceType: 5,
			PageID: "1974516040085363861", PageName: "春季装修免费设计报名页", UserName: "张先生",
			Phone: "138****0000", Province: "广东省", City: "深圳市", Store: "南山旗舰店",
			Raw: benchRaw(id, created, intention),
		}
	}
	return clues
}

// benchBatch is the page size the puller stores at a time.
const benchBatch = 500

// BenchUpsert measures UpsertClues of a backend on batches of 500 clues with
// about 1.5 KB of raw JSON each: new clues, clues stored already, and clues
// whose status changed (history rows). One op is one batch; the figure to
// read is clues/s. open returns a fresh, empty store.
func BenchUpsert(b *testing.B, open func(b *testing.B) store.Store) {
	if n := len(BenchClues(0, 1, 3)[0].Raw); n < 1400 || n > 1700 {
		b.Fatalf("raw JSON is %d bytes, want about 1.5 KB", n)
	}
	cases := []struct {
		name  string
		setup func(b *testing.B, s store.Store, op int) []store.Clue // the op-th batch, stored as needed
	}{
		{"insert", func(_ *testing.B, _ store.Store, op int) []store.Clue {
			return BenchClues(op*benchBatch, benchBatch, 3)
		}},
		{"unchanged", func(b *testing.B, s store.Store, op int) []store.Clue {
			clues := BenchClues(op*benchBatch, benchBatch, 3)
			if _, err := s.UpsertClues(b.Context(), clues); err != nil {
				b.Fatal(err)
			}
			return clues
		}},
		{"changed", func(b *testing.B, s store.Store, op int) []store.Clue {
			if _, err := s.UpsertClues(b.Context(), BenchClues(op*benchBatch, benchBatch, 3)); err != nil {
				b.Fatal(err)
			}
			return BenchClues(op*benchBatch, benchBatch, 4)
		}},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			s := open(b)
			b.ResetTimer()
			for op := range b.N {
				b.StopTimer()
				clues := bc.setup(b, s, op)
				b.StartTimer()
				st, err := s.UpsertClues(b.Context(), clues)
				if err != nil {
					b.Fatal(err)
				}
				if st.Total() != benchBatch {
					b.Fatalf("upserted %d clues, want %d", st.Total(), benchBatch)
				}
			}
			b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "clues/s")
		})
	}
}
