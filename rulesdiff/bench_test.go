package rulesdiff

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/postgres"
	"github.com/cluebot/cluebot/store/postgres/pgtest"
	"github.com/cluebot/cluebot/store/sqlite"
)

// benchProvinces are the provinces of the benchmark's leads and routes.
var benchProvinces = []string{"河南", "河北", "山东", "山西", "江苏", "浙江", "安徽", "福建", "江西", "湖北",
	"湖南", "广东", "广西", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "辽宁", "吉林", "黑龙江",
	"内蒙古", "宁夏", "新疆", "西藏", "北京", "天津", "上海", "重庆", "香港", "澳门"}

// benchLead returns the i-th lead of a benchmark store: about 1.3 KB of raw
// JSON shaped like the vendor's, from one of 33 provinces and 4 cities
// each, one of 4 intentions and 2 landing pages, created a second apart.
func benchLead(base time.Time, i int) store.Clue {
	id := fmt.Sprintf("497451604008536%07d", i)
	at := base.Add(time.Duration(i) * time.Second)
	prov := benchProvinces[i%len(benchProvinces)]
	city := fmt.Sprintf("%s第%d市", prov, i/len(benchProvinces)%4)
	intention := []int{1, 3, 13, 14}[i/7%4]
	page := []string{"春季宝马3系试驾报名页", "夏季装修免费设计报名页"}[i/11%2]
	ts := at.In(beijing).Format(time.DateTime)
	var b strings.Builder
	fmt.Fprintf(&b, `{"id":%s,"clue_tag":2,"user_name":"张先生%d","phone":"138%08d","phone_stat":1,`, id, i%100, i)
	fmt.Fprintf(&b, `"intention_id":%d,"account_id":"90000000001","user_id":"3%s","give_up_reason":"",`, intention, id[:12])
	fmt.Fprintf(&b, `"source_type":5,"page_id":"1974516040085363861","page_name":"%s",`, page)
	b.WriteString(`"source_url":"https://chenzhongtech.com/page/1974516040085363861?from=feed&cid=12345",`)
	fmt.Fprintf(&b, `"create_time":"%s","update_time":"%s","sea_type":0,"biz_id":1,"channel_flag":0,`, ts, ts)
	b.WriteString(`"child_intention_tag":[{"child_intention_id":31,"child_intention_desc":"意向强烈"}],`)
	b.WriteString(`"schedule":{"schedule_id":7,"schedule_desc":"已联系"},`)
	b.WriteString(`"clue_source":{"dsp_campaign_id":"8800112233","dsp_unit_id":"8800112234","dsp_creative_id":"8800112235"},`)
	fmt.Fprintf(&b, `"store_info":{"store_name":"旗舰店","province":"%s","city":"%s"},"details":[`, prov, city)
	for k := range 5 {
		fmt.Fprintf(&b, `{"key":"问题%d：您的房屋面积是多少？","value":"%d 平方米左右，希望尽快上门量房"},`, k, 80+k)
	}
	b.WriteString(`{"key":"电话","value":"13800000000","comp_type":"电话"}]}`)
	return store.Clue{ID: id, AdvertiserID: 90000000001, CreateTime: at, UpdateTime: at, IntentionID: int64(intention),
		PhoneStat: 1, SourceType: 5, PageID: "1974516040085363861", PageName: page, UserName: fmt.Sprintf("张先生%d", i%100),
		Phone: fmt.Sprintf("138%08d", i), Province: prov, City: city, Raw: []byte(b.String())}
}

// benchRules returns rules of 100 routes: for each province a hot route
// (intention and page), a route of its first city and a route of the rest,
// then a catch-all. The candidate (changed) drops 河南's routes, sends
// 广东's hot leads to a second group too, and keeps 浙江's province route
// to office hours.
func benchRules(tb testing.TB, changed bool) *route.Rules {
	var b strings.Builder
	b.WriteString("routes:\n")
	for i, p := range benchProvinces {
		if changed && p == "河南" {
			continue
		}
		hotRecv := fmt.Sprintf("sales-%d", i)
		if changed && p == "广东" {
			hotRecv += ", managers"
		}
		fmt.Fprintf(&b, "  - name: hot-%d\n    match: {province: [%s, %s省], intention: [高价值客户, 高意向], page_name: \"*宝马*\"}\n    receivers: [%s]\n    continue: true\n", i, p, p, hotRecv)
		fmt.Fprintf(&b, "  - name: city-%d\n    match: {province: %s, city: \"%s第0市\"}\n    receivers: [city-%d]\n", i, p, p, i)
		fmt.Fprintf(&b, "  - name: province-%d\n    match: {province: \"re:^%s\"}\n    receivers: [sales-%d]\n", i, p, i)
		if changed && p == "浙江" {
			b.WriteString("    active: {days: [mon-fri], from: \"09:00\", to: \"18:00\"}\n")
		}
	}
	b.WriteString("  - name: everything-else\n    receivers: [managers]\n")
	r, err := route.Parse("bench.yaml", []byte(b.String()))
	require.NoError(tb, err)
	r.Zone = beijing
	if !changed {
		require.Len(tb, r.Routes, 100)
	}
	return r
}

// benchBase is when the first bench lead is created and stored.
var benchBase = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)

// fillBench stores n bench leads in batches, created a second apart from
// benchBase, each batch stored (first_seen) at its first lead's create_time
// by clock, the store's clock: the replay's window bounds both times.
func fillBench(tb testing.TB, st store.Store, clock *storeClock, n int) {
	const batch = 2000
	clues := make([]store.Clue, 0, batch)
	for i := 0; i < n; i++ {
		clues = append(clues, benchLead(benchBase, i))
		if len(clues) == batch || i == n-1 {
			clock.set(clues[0].CreateTime)
			_, err := st.UpsertClues(tb.Context(), clues)
			require.NoError(tb, err)
			clues = clues[:0]
		}
	}
}

// benchReplay replays every stored lead per op and reports leads a second
// and the peak heap in use during the replay, sampled every 5 ms.
func benchReplay(b *testing.B, st store.Store, n int) {
	before, after := benchRules(b, false), benchRules(b, true)
	// The window of the leads stored since benchBase, bounded at both ends
	// as rules diff reads it (Window), so that it is read in parts on a
	// machine with CPUs to spare.
	window := Window(benchBase.Add(time.Duration(n)*time.Second), time.Duration(n)*time.Second)
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	runtime.GC()
	cpu0 := cpuTime()
	b.ReportAllocs()
	var res *Result
	for b.Loop() {
		var err error
		res, err = Replay(b.Context(), st, before, after, window, Options{Zone: beijing})
		require.NoError(b, err)
	}
	cpu := cpuTime() - cpu0
	close(stop)
	wg.Wait()
	require.Equal(b, n, res.Leads,
		"a store kept from a run that did not stamp first_seen by the bench clock is outside the window: name an empty one")
	require.Positive(b, res.Changed)
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "leads/s")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
	// CPU time of the process (reader, workers, and the store's side when
	// it is in process): on a loaded machine the figure that holds still.
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	whole, err := json.Marshal(res)
	require.NoError(b, err)
	b.Logf("%d leads, %d changed; routes 河南 hot %v, 浙江 %v; unrouted %v; result sha256 %x", res.Leads, res.Changed,
		*res.Routes["hot-0"], *res.Routes["province-5"], res.Unrouted, sha256.Sum256(whole))
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkReplay replays 20,000 stored leads through 100 routes from
// SQLite: the always-on size.
func BenchmarkReplay(b *testing.B) {
	const n = 20_000
	var clock storeClock
	st, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "c.db"), sqlite.Options{Now: clock.now})
	require.NoError(b, err)
	defer st.Close()
	fillBench(b, st, &clock, n)
	benchReplay(b, st, n)
}

// heavyLeads is the size of BenchmarkReplayHeavy.
const heavyLeads = 1_000_000

// BenchmarkReplayHeavy replays 1,000,000 stored leads through 100 routes
// on each backend (PostgreSQL with CLUEBOT_TEST_POSTGRES), when
// CLUEBOT_BENCH_HEAVY=1: the target is under 10 s with memory flat. Filling
// the store takes minutes; run it with -benchtime=1x. CLUEBOT_BENCH_DB (a
// SQLite file) and CLUEBOT_BENCH_SCHEMA (a PostgreSQL schema, left in place)
// keep the filled stores to measure again without filling.
func BenchmarkReplayHeavy(b *testing.B) {
	if os.Getenv("CLUEBOT_BENCH_HEAVY") != "1" {
		b.Skip("CLUEBOT_BENCH_HEAVY=1 runs it")
	}
	b.Run("sqlite", func(b *testing.B) {
		path := os.Getenv("CLUEBOT_BENCH_DB")
		if path == "" {
			path = filepath.Join(b.TempDir(), "c.db")
		}
		var clock storeClock
		st, err := sqlite.Open(b.Context(), path, sqlite.Options{Now: clock.now})
		require.NoError(b, err)
		defer st.Close()
		keepFilled(b, st, &clock, heavyLeads, func() {})
		benchReplay(b, st, heavyLeads)
	})
	b.Run("postgres", func(b *testing.B) {
		dsn, schema := pgtest.BenchSchema(b)
		var clock storeClock
		st, err := postgres.Open(b.Context(), dsn, postgres.Options{Schema: schema, Now: clock.now})
		require.NoError(b, err)
		defer st.Close()
		// As autovacuum would, lest the planner take a million rows for a
		// few thousand and sort the window on disk (the test server runs
		// without autovacuum).
		keepFilled(b, st, &clock, heavyLeads, func() {
			pgtest.Exec(b, dsn, `ANALYZE `+pgx.Identifier{schema, "clues"}.Sanitize())
		})
		benchReplay(b, st, heavyLeads)
	})
}

// keepFilled fills st with n bench leads, then runs analyze, unless it
// holds exactly them already (a store kept from an earlier run); a store
// holding other leads fails the benchmark.
func keepFilled(b *testing.B, st store.Store, clock *storeClock, n int, analyze func()) {
	got, err := st.CountClues(b.Context(), store.ClueFilter{})
	require.NoError(b, err)
	if got == n {
		b.Logf("kept %d leads from an earlier run", n)
		return
	}
	require.Zero(b, got, "the kept store holds other leads: name an empty one")
	start := time.Now()
	fillBench(b, st, clock, n)
	analyze()
	b.Logf("stored %d leads in %v", n, time.Since(start))
}
