package dispatch_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/dispatch"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/feishu"
	"github.com/cluebot/cluebot/sim/robots"
	"github.com/cluebot/cluebot/store/sqlite"
)

// TestSlotsHoldTheRobotsLimitsAsItCounts takes Feishu's default budget's
// slots as fast as the pacer hands them out, and has each request reach the
// robot 0-350 ms after its slot was taken, as latency varies; the store
// variant has three instances whose clocks are 50 ms apart. Replayed in
// order of arrival to the robot simulator, which counts 5 a second and 100
// a minute in sliding windows on arrival, none of 300 messages is refused.
func TestSlotsHoldTheRobotsLimitsAsItCounts(t *testing.T) {
	skews := []time.Duration{-50 * time.Millisecond, 0, 50 * time.Millisecond}
	for name, pacers := range map[string]func(t *testing.T, now func() time.Time) []dispatch.Pacer{
		"memory": func(*testing.T, func() time.Time) []dispatch.Pacer {
			return []dispatch.Pacer{&dispatch.MemoryPacer{}}
		},
		"store, three instances": func(t *testing.T, now func() time.Time) []dispatch.Pacer {
			path := filepath.Join(t.TempDir(), "c.db")
			var out []dispatch.Pacer
			for range skews {
				st, err := sqlite.Open(context.Background(), path, sqlite.Options{Now: now})
				require.NoError(t, err)
				t.Cleanup(func() { st.Close() })
				out = append(out, dispatch.StorePacer{Store: st})
			}
			return out
		},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, clock := context.Background(), &fakeClock{}
			clock.t.Store(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC).UnixNano())
			ps := pacers(t, clock.Now)
			budget := dispatch.BudgetFor(&notify.ReceiverConfig{Type: feishu.Type})
			rng := rand.New(rand.NewPCG(12, 2))
			start := clock.Now()
			var arrivals []time.Time
			for i := 0; len(arrivals) < 300; i++ {
				k := i % len(ps)
				skew := skews[k%len(skews)]
				ok, next, err := ps[k].Reserve(ctx, "feishu", clock.Now().Add(skew), budget)
				require.NoError(t, err)
				if !ok {
					// This instance may send again at next on its own clock.
					clock.Advance(max(next.Add(-skew).Sub(clock.Now()), time.Millisecond))
					continue
				}
				arrivals = append(arrivals, clock.Now().Add(time.Duration(rng.Int64N(int64(350*time.Millisecond)))))
			}
			took := clock.Now().Sub(start)
			burst := slices.Clone(arrivals[:budget.PerMinute]) // the minute's budget, paced by the second only
			slices.SortFunc(burst, time.Time.Compare)
			slices.SortFunc(arrivals, time.Time.Compare)

			at := &fakeClock{}
			rb := robots.New(robots.Options{Now: at.Now})
			srv := httptest.NewServer(rb)
			defer srv.Close()
			url := srv.URL + rb.AddFeishu("fs", "", "")
			for _, a := range arrivals {
				at.t.Store(a.UnixNano())
				resp, err := http.Post(url, "application/json", bytes.NewReader([]byte(`{"msg_type":"text","content":{"text":"新线索"}}`)))
				require.NoError(t, err)
				resp.Body.Close()
			}
			require.Empty(t, refusals(rb), "the robot refused none")
			require.Len(t, rb.Messages("fs"), 300)
			first := burst[len(burst)-1].Sub(start)
			t.Logf("300 slots in %s (%.2f a second; the robot takes 1.67), the first %d in %s (%.2f a second; the robot takes 5): "+
				"at most %d arrived in any second, %d in any minute", took.Round(time.Second), 300/took.Seconds(),
				len(burst), first.Round(100*time.Millisecond), float64(len(burst))/first.Seconds(),
				mostWithin(rb.Messages("fs"), time.Second), mostWithin(rb.Messages("fs"), time.Minute))
		})
	}
}
