package robots_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/sim/robots"
)

func TestFaults(t *testing.T) {
	tests := []struct {
		name   string
		fault  robots.Fault
		status int
		codes  map[string]int // by platform
	}{
		{name: "5xx", fault: robots.Fault5xx, status: http.StatusBadGateway, codes: map[string]int{}},
		{name: "rate limit", fault: robots.FaultRateLimit, status: 200,
			codes: map[string]int{robots.DingTalk: 130101, robots.WeCom: 45009, robots.Feishu: 9499}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, base := start(t, nil, robots.Options{FaultRate: 1, Faults: []robots.Fault{tc.fault}})
			urls := map[string]string{
				robots.DingTalk: base + s.AddDingTalk("D", "", ""),
				robots.WeCom:    base + s.AddWeCom("W"),
				robots.Feishu:   base + s.AddFeishu("F", "", ""),
			}
			for platform, u := range urls {
				r := post(t, u, map[string]any{}, nil)
				if tc.fault == robots.Fault5xx {
					require.Equal(t, tc.status, r.Status, platform)
					require.Contains(t, r.Raw, "<center>nginx</center>")
					continue
				}
				require.Equal(t, tc.codes[platform], r.code(), platform)
			}
			for _, f := range s.Refusals() {
				require.Equal(t, tc.fault, f.Fault)
			}
			require.Len(t, s.Refusals(), 3)
			require.Empty(t, s.All())
		})
	}
}

func TestFaultSlowPastTimeout(t *testing.T) {
	s, base := start(t, nil, robots.Options{FaultRate: 1, Faults: []robots.Fault{robots.FaultSlow}, SlowDelay: 2 * time.Second})
	u := base + s.AddDingTalk("D", "", "")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, nil)
	require.NoError(t, err)
	start := time.Now()
	_, err = http.DefaultClient.Do(req)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), time.Second)
}

func TestFaultsAreSeeded(t *testing.T) {
	pattern := func(seed uint64) string {
		s, base := start(t, nil, robots.Options{FaultRate: 0.5, Faults: []robots.Fault{robots.Fault5xx}, Seed: seed})
		u := base + s.AddWeCom("W")
		out := ""
		for range 40 {
			out += strconv.Itoa(post(t, u, weComMsg("text", "x"), nil).Status/100 - 2)
		}
		return out
	}
	a := pattern(7)
	require.Equal(t, a, pattern(7), "the same seed injects the same faults")
	require.NotEqual(t, a, pattern(8))
	require.Contains(t, a, "0")
	require.Contains(t, a, "3")
}

func TestUnknownFaultPanics(t *testing.T) {
	require.Panics(t, func() { robots.New(robots.Options{Faults: []robots.Fault{"nope"}}) })
}
