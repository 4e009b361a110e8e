package storetest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/cluebot/cluebot/store"
)

// Heavy is the agency-scale data set of the console benchmark: 10,000
// accounts and, by default, 5,000,000 leads over 180 days, the newest at
// HeavyNow. CLUEBOT_BENCH_HEAVY=1 runs it; CLUEBOT_BENCH_LEADS=N sizes it
// down for a trial.
type Heavy struct {
	Leads    int
	Accounts int
}

// HeavyNow is when the heavy data set's newest lead came in.
var HeavyNow = time.Date(2025, 9, 1, 0, 0, 0, 0, vendorZone)

// heavySpan is how far back the heavy data set's leads go.
const heavySpan = 180 * 24 * time.Hour

// HeavySet returns the heavy data set, or skips b unless
// CLUEBOT_BENCH_HEAVY=1.
func HeavySet(b *testing.B) Heavy {
	if os.Getenv("CLUEBOT_BENCH_HEAVY") != "1" {
		b.Skip("CLUEBOT_BENCH_HEAVY=1 runs the console benchmark on millions of leads")
	}
	h := Heavy{Leads: 5_000_000, Accounts: 10_000}
	if v := os.Getenv("CLUEBOT_BENCH_LEADS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1000 {
			b.Fatalf("CLUEBOT_BENCH_LEADS=%q: want a number of at least 1000", v)
		}
		h.Leads = n
	}
	return h
}

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	given    = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉玲燕飞建宇浩凯晨欣怡子轩梓涵一诺佳琪雨桐思远博文俊杰宏志鑫雅婷昊然")
	topics   = []string{"春季装修", "全屋定制", "旧房翻新", "厨卫改造", "软装设计", "地暖安装", "门窗升级", "智能家居"}
	cities   = []rune("郑洛开许新安焦鹤濮平漯三南商信周驻济京沪津渝广深杭宁苏锡常扬徐温嘉湖绍台金衢舟丽合芜蚌")
	styles   = []string{"报名页", "咨询页", "优惠活动", "免费设计", "限时特惠", "到店礼", "量房预约", "案例展示", "团购会", "样板间"}
)

// Lead returns the heavy data set's lead i (0 is the oldest) and the
// routes it took (nil: routing took none, as for one lead in four). Names
// are a surname and one or two given characters, or 先生/女士; phones are
// random; each account has three landing pages, named without digits as
// most are.
func (h Heavy) Lead(i int) (store.Clue, []string) {
	r := rand.New(rand.NewPCG(uint64(i), 0x636c7565))
	acct := i % h.Accounts
	created := HeavyNow.Add(-heavySpan + time.Duration(int64(heavySpan)/int64(h.Leads)*int64(i+1)))
	name := string(surnames[r.IntN(len(surnames))])
	switch k := r.IntN(10); {
	case k < 3:
		name += []string{"先生", "女士"}[k%2]
	case k < 6:
		name += string(given[r.IntN(len(given))])
	default:
		name += string(given[r.IntN(len(given))]) + string(given[r.IntN(len(given))])
	}
	page := acct*3 + r.IntN(3)
	id := fmt.Sprintf("2%021d", i)
	phone := fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.Int64N(1_000_000_000))
	c := store.Clue{
		ID: id, AdvertiserID: int64(80000000000 + acct), CreateTime: created, UpdateTime: created,
		IntentionID: 1, PhoneStat: 1, ScheduleID: 7, ClueTag: 2, SourceType: 1,
		PageID: strconv.Itoa(1_000_000 + page), PageName: pageName(page),
		UserName: name, Phone: phone, Province: "河南省", City: "郑州市", Store: "金水旗舰店",
		FirstSeen: created, LastUpdated: created, RoutedAt: created.Add(time.Second),
	}
	c.Raw = fmt.Appendf(nil, `{"id":"%s","user_name":"%s","phone":"%s","page_name":"%s","create_time":"%s",`+
		`"details":[{"label":"您的房屋面积是多少？","answer":"%d 平方米左右"},{"label":"预算","answer":"%d 万"}],`+
		`"clue_source":{"campaign_id":"88%08d","unit_id":"89%08d"},"store_info":{"store_name":"金水旗舰店"}}`,
		id, name, phone, c.PageName, created.Format(time.DateTime), 60+r.IntN(120), 5+r.IntN(30), acct, page)
	routes := [][]string{{"henan-hot"}, {"everything-else"}, {"henan-hot", "everything-else"}, nil}[i%4]
	return c, routes
}

// pageName returns the name of landing page p: a topic, a city and a
// style, so that 3,200 names are shared by the accounts' pages.
func pageName(p int) string {
	return topics[p%len(topics)] + string(cities[p/len(topics)%len(cities)]) + styles[p/len(topics)/len(cities)%len(styles)]
}

// BenchConsole measures, on a store seeded with h, the console's overview,
// searches of each kind and a lead's page, each a sub-benchmark reporting
// its p50 and p95 in milliseconds. It calls seed first unless s holds as
// many clues as h already (a kept file or schema).
func BenchConsole(b *testing.B, s store.Store, h Heavy, seed func()) {
	n, err := s.CountClues(b.Context(), store.ClueFilter{})
	if err != nil {
		b.Fatal(err)
	}
	if n != h.Leads {
		start := time.Now()
		seed()
		b.Logf("seeded %d leads in %s", h.Leads, time.Since(start).Round(time.Second))
	}
	last := h.Leads - 1
	probe, _ := h.Lead(last - 1234%h.Leads)
	rare, _ := h.Lead(last - 4321%h.Leads)
	dayStart := time.Date(HeavyNow.Year(), HeavyNow.Month(), HeavyNow.Day()-1, 0, 0, 0, 0, vendorZone)
	search := func(q store.LeadQuery) func(b *testing.B) {
		return func(b *testing.B) {
			if _, _, err := s.SearchClues(b.Context(), q); err != nil {
				b.Fatal(err)
			}
		}
	}
	cases := []struct {
		name string
		op   func(b *testing.B)
	}{
		{"overview", func(b *testing.B) {
			if _, err := s.Overview(b.Context(), HeavyNow, dayStart); err != nil {
				b.Fatal(err)
			}
		}},
		{"lead page", func(b *testing.B) {
			if _, err := s.Clue(b.Context(), probe.ID); err != nil {
				b.Fatal(err)
			}
			if _, err := s.ClueHistory(b.Context(), probe.ID); err != nil {
				b.Fatal(err)
			}
			if _, err := s.OutboxItems(b.Context(), probe.ID); err != nil {
				b.Fatal(err)
			}
			if _, err := s.Marks(b.Context(), []string{probe.ID}); err != nil {
				b.Fatal(err)
			}
		}},
		{"phone tail", search(store.LeadQuery{Q: probe.Phone[7:]})},
		{"whole phone", search(store.LeadQuery{Q: probe.Phone})},
		{"id", search(store.LeadQuery{Q: probe.ID})},
		{"rare name", search(store.LeadQuery{Q: rare.UserName + "x"})},
		{"full name", search(store.LeadQuery{Q: rare.UserName})},
		{"common name", search(store.LeadQuery{Q: "王先生"})},
		{"surname prefix", search(store.LeadQuery{Q: "孔"})},
		{"short q inside names", search(store.LeadQuery{Q: "怡"})},
		{"rare short q: every lead read", search(store.LeadQuery{Q: "孔x"})},
		{"one page", search(store.LeadQuery{Q: probe.PageName})},
		{"common page words", search(store.LeadQuery{Q: "全屋定制"})},
		{"route last week", search(store.LeadQuery{Route: "henan-hot", From: HeavyNow.Add(-7 * 24 * time.Hour)})},
		{"everything", search(store.LeadQuery{})},
		{"everything page 20", search(store.LeadQuery{Offset: 1000})},
		{"common name last day", search(store.LeadQuery{Q: "王先生", From: dayStart})},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				bc.op(b)
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			ms := func(p float64) float64 {
				return float64(took[int(p*float64(len(took)-1))]) / float64(time.Millisecond)
			}
			b.ReportMetric(ms(0.5), "p50-ms")
			b.ReportMetric(ms(0.95), "p95-ms")
		})
	}
}
