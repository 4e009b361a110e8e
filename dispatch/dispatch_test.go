package dispatch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/dispatch"
	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/dingtalk"
	"github.com/cluebot/cluebot/notify/feishu"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/notify/wecom"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/sim/robots"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/sqlite"
)

const testRules = `
fields:
  province: {form: 下拉单选, level: 2}
routes:
  - name: henan
    match: {province: 河南}
    receivers: [ding]
    mention:
      round_robin:
        - {name: 张三, mobile: "13800000001"}
        - {name: 李四, mobile: "13800000002"}
  - name: guangdong
    match: {province: 广东}
    receivers: [wecom]
  - name: rest
    receivers: [feishu]
`

// rig is a real store, the robot simulator and a router and deliverer
// between them, on a fake clock.
type rig struct {
	store  *sqlite.Store
	robots *robots.Server
	router *dispatch.Router
	deliv  *dispatch.Deliverer
	clock  *fakeClock
	ids    map[string]string // receiver → robot id

	receivers []*dispatch.Receiver
	leads     *dispatch.Leads
}

type fakeClock struct{ t atomic.Int64 }

func (c *fakeClock) Now() time.Time          { return time.Unix(0, c.t.Load()) }
func (c *fakeClock) Advance(d time.Duration) { c.t.Add(int64(d)) }

func newRig(t testing.TB, receivers map[string]notify.ReceiverConfig, robotOpts robots.Options) *rig {
	t.Helper()
	clock := &fakeClock{}
	clock.t.Store(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC).UnixNano())
	robotOpts.Now = clock.Now
	rb := robots.New(robotOpts)
	srv := httptest.NewServer(rb)
	t.Cleanup(srv.Close)
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), sqlite.Options{Now: clock.Now})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	rules, err := route.Parse("rules.yaml", []byte(testRules))
	require.NoError(t, err)
	var ptr atomic.Pointer[route.Rules]
	ptr.Store(rules)
	leads := &dispatch.Leads{Zone: time.UTC, Rules: &ptr}
	r := &rig{store: st, robots: rb, clock: clock, ids: map[string]string{}}
	if receivers == nil {
		receivers = map[string]notify.ReceiverConfig{
			"ding":   {Type: dingtalk.Type, URL: secret.String(srv.URL + rb.AddDingTalk("dtok", "SECabc", "")), Secret: "SECabc"},
			"wecom":  {Type: wecom.Type, URL: secret.String(srv.URL + rb.AddWeCom("wkey"))},
			"feishu": {Type: feishu.Type, URL: secret.String(srv.URL + rb.AddFeishu("fhook", "fsec", "")), Secret: "fsec"},
		}
		r.ids = map[string]string{"ding": "dtok", "wecom": "wkey", "feishu": "fhook"}
	} else {
		for name, rc := range receivers {
			rc.URL = secret.String(srv.URL + rc.URL.Reveal())
			receivers[name] = rc
		}
	}
	var list []*dispatch.Receiver
	for name, rc := range receivers {
		n, err := receiver.Build(name, &rc, nil, nil, nil)
		require.NoError(t, err)
		setClock(n, clock.Now)
		list = append(list, &dispatch.Receiver{Name: name, Config: rc, Notifier: n, MaxDigest: receiver.MaxDigest(rc.Type)})
	}
	r.receivers, r.leads = list, leads
	r.router = dispatch.NewRouter(st, leads, nil, clock.Now)
	r.deliv = dispatch.NewDeliverer(st, list, leads, &dispatch.MemoryPacer{}, "test", nil, clock.Now)
	r.deliv.Sleep = func(ctx context.Context, d time.Duration) error { clock.Advance(d); return nil }
	return r
}

// setClock makes signing senders use the fake clock.
func setClock(n notify.Notifier, now func() time.Time) {
	if c, ok := n.(interface{ SetClock(func() time.Time) }); ok {
		c.SetClock(now)
	}
}

var provinces = []string{"河南", "广东", "浙江"}

// addLeads stores n leads spread over the three provinces and returns their
// ids by province.
func (r *rig) addLeads(t testing.TB, n int) map[string][]string {
	t.Helper()
	byProvince := map[string][]string{}
	clues := testClues(t, 0, n)
	for i, c := range clues {
		p := provinces[i%len(provinces)]
		byProvince[p] = append(byProvince[p], c.ID)
	}
	_, err := r.store.UpsertClues(context.Background(), clues)
	require.NoError(t, err)
	return byProvince
}

// testClues builds leads number from to from+n-1 (named 客户N), spread over
// the three provinces.
func testClues(t testing.TB, from, n int) []store.Clue {
	t.Helper()
	var clues []store.Clue
	for i := from; i < from+n; i++ {
		p := provinces[i%len(provinces)]
		id := fmt.Sprintf("19745160400853%05d", i)
		cascade, _ := json.Marshal([]string{"宝马3系", p, "某市", "某区", "某店"})
		raw, _ := json.Marshal(map[string]any{"id": json.Number(id), "user_name": fmt.Sprintf("客户%d", i), "phone": "15584418917",
			"create_time": "2026-11-27 17:00:00", "page_name": "宝马试驾", "source_type": 1,
			"details": []map[string]any{{"key": "下拉单选", "value": string(cascade), "comp_type": "级联单选"}}})
		c, err := clue.Decode(raw)
		require.NoError(t, err)
		c.AdvertiserID = 1
		clues = append(clues, fetch.ToStore(&c))
	}
	return clues
}
