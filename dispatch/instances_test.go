package dispatch_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/dispatch"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/dingtalk"
	"github.com/cluebot/cluebot/notify/feishu"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/sim/robots"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/postgres"
	"github.com/cluebot/cluebot/store/postgres/pgtest"
	"github.com/cluebot/cluebot/store/sqlite"
)

// pacedStore is a store several instances share, robots' budgets included.
type pacedStore interface {
	store.Store
	store.Pacing
}

// latency delays each request by a random 0..max before the robot sees it:
// the network between an instance and the robot, whose delay varies from
// one request to the next.
type latency struct {
	next http.Handler
	max  time.Duration
}

func (l latency) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(rand.N(l.max + 1))
	l.next.ServeHTTP(w, r)
}

// flowRules sends every lead to both robots.
const flowRules = `
routes:
  - name: all
    receivers: [ding, feishu]
`

// TestThreeInstancesHoldTheRobotsLimits runs three deliverers on one store,
// with real time, as three `cluebot run` would: 300 leads arrive over 15
// seconds and go to a Feishu robot (5 a second and 100 a minute) and a
// DingTalk robot (20 a minute), both counting in sliding windows when a
// request arrives. The network delays each request by 0-200 ms and the
// instances' clocks are 50 ms apart, so two slots taken a second apart can
// arrive closer than that. Every lead reaches each robot once, and the
// robots refuse nothing.
func TestThreeInstancesHoldTheRobotsLimits(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "c.db")
		threeInstances(t, func(now func() time.Time) pacedStore {
			st, err := sqlite.Open(context.Background(), path, sqlite.Options{Now: now})
			require.NoError(t, err)
			return st
		})
	})
	t.Run("postgres", func(t *testing.T) {
		dsn, schema := pgtest.FreshSchema(t)
		threeInstances(t, func(now func() time.Time) pacedStore {
			st, err := postgres.Open(context.Background(), dsn, postgres.Options{Now: now, Schema: schema})
			require.NoError(t, err)
			return st
		})
	})
}

func threeInstances(t *testing.T, open func(now func() time.Time) pacedStore) {
	const leads, batch = 300, 2
	rb := robots.New(robots.Options{})
	srv := httptest.NewServer(latency{next: rb, max: 200 * time.Millisecond})
	t.Cleanup(srv.Close)
	cfgs := map[string]notify.ReceiverConfig{
		"ding":   {Type: dingtalk.Type, URL: secret.String(srv.URL + rb.AddDingTalk("dflow", "SECflow", "")), Secret: "SECflow"},
		"feishu": {Type: feishu.Type, URL: secret.String(srv.URL + rb.AddFeishu("fflow", "fsec", "")), Secret: "fsec"},
	}
	rules, err := route.Parse("rules.yaml", []byte(flowRules))
	require.NoError(t, err)
	var ptr atomic.Pointer[route.Rules]
	ptr.Store(rules)
	lds := &dispatch.Leads{Zone: time.UTC, Rules: &ptr}

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	t.Cleanup(cancel)
	var stores []pacedStore
	var wakes []chan struct{}
	errs := make(chan error, 100)
	for k, skew := range []time.Duration{-50 * time.Millisecond, 0, 50 * time.Millisecond} {
		now := func() time.Time { return time.Now().Add(skew) }
		st := open(now)
		t.Cleanup(func() { st.Close() })
		var list []*dispatch.Receiver
		for _, name := range []string{"ding", "feishu"} {
			rc := cfgs[name]
			n, err := receiver.Build(name, &rc, nil, nil, nil)
			require.NoError(t, err)
			setClock(n, now)
			list = append(list, &dispatch.Receiver{Name: name, Config: rc, Notifier: n, MaxDigest: receiver.MaxDigest(rc.Type)})
		}
		d := dispatch.NewDeliverer(st, list, lds, dispatch.StorePacer{Store: st}, fmt.Sprint("instance-", k), nil, now)
		// A refusal must not hold the test for a robot's 10-minute penalty:
		// it fails the test anyway.
		d.RetryBackoff, d.RetryMax = 200*time.Millisecond, 2*time.Second
		wake := make(chan struct{}, 1)
		stores, wakes = append(stores, st), append(wakes, wake)
		wg.Go(func() { deliveryLoop(ctx, d, now, wake, errs) })
	}

	start := time.Now()
	for b := 0; b < leads/batch; b++ { // one instance pulls each batch, as the pull lock decides
		st := stores[b%len(stores)]
		_, err := st.UpsertClues(ctx, testClues(t, b*batch, batch))
		require.NoError(t, err)
		_, err = dispatch.NewRouter(st, lds, nil, nil).RouteNew(ctx)
		require.NoError(t, err)
		select {
		case wakes[b%len(wakes)] <- struct{}{}:
		default:
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.Eventually(t, func() bool {
		s, err := stores[0].OutboxStats(ctx, time.Now())
		return err == nil && s.Pending == 0
	}, 3*time.Minute, 100*time.Millisecond, "every alert delivered")
	took := time.Since(start)
	cancel()
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	want := make([]string, leads)
	for i := range want {
		want[i] = fmt.Sprint(i)
	}
	sort.Strings(want)
	for _, robot := range []string{"dflow", "fflow"} {
		msgs := rb.Messages(robot)
		require.Equal(t, want, keys(receivedBy(rb, robot)), "%s: each lead once", robot)
		t.Logf("%s: %d leads in %d messages; at most %d arrived in any second, %d in any minute",
			robot, leads, len(msgs), mostWithin(msgs, time.Second), mostWithin(msgs, time.Minute))
	}
	require.Empty(t, refusals(rb), "no rate-limit refusal: both robots' limits held as they count")
	t.Logf("%d leads delivered to both robots in %s, 0 refused", leads, took.Round(100*time.Millisecond))
}

// deliveryLoop runs delivery passes as the daemon's worker does: when woken,
// every second, and when a paced receiver's budget frees.
func deliveryLoop(ctx context.Context, d *dispatch.Deliverer, now func() time.Time, wake <-chan struct{}, errs chan<- error) {
	for ctx.Err() == nil {
		stats, err := d.DeliverDue(ctx)
		if err != nil && ctx.Err() == nil {
			errs <- err
		}
		wait := time.Second
		if stats != nil && !stats.NextAt.IsZero() {
			wait = min(wait, max(stats.NextAt.Sub(now()), 10*time.Millisecond))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// refusals lists the requests rb refused, one line each.
func refusals(rb *robots.Server) []string {
	var out []string
	for _, f := range rb.Refusals() {
		out = append(out, fmt.Sprintf("%s %d %s at %s", f.Platform, f.Code, f.Message, f.Time.Format("15:04:05.000")))
	}
	return out
}

// mostWithin is the most messages that arrived within any span d (a window
// open at its start, as the robots count).
func mostWithin(msgs []robots.Received, d time.Duration) int {
	times := make([]time.Time, len(msgs))
	for i, m := range msgs {
		times[i] = m.Time
	}
	slices.SortFunc(times, time.Time.Compare)
	most, lo := 0, 0
	for hi, t := range times {
		for !times[lo].After(t.Add(-d)) {
			lo++
		}
		most = max(most, hi-lo+1)
	}
	return most
}
