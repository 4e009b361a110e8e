package kuaishou

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// classify names the fault an answer shows, "" for a whole code-0 page (or
// a slow one). full is the fault-free answer to the same request.
func classify(t *testing.T, status int, contentType string, body, full []byte) Fault {
	t.Helper()
	head := bytes.Index(full, []byte(`"request_id"`))
	if status == http.StatusOK && len(body) == len(full) && bytes.Equal(body[:head], full[:head]) {
		return "" // the page, byte for byte; decoding it 2000 times is slow under -race
	}
	r := reply{Status: status, ContentType: contentType, Body: body, Code: -1}
	var env struct {
		Code    int64
		Message string
	}
	if json.Unmarshal(body, &env) == nil {
		r.Code, r.Message = env.Code, env.Message
	}
	switch {
	case r.Status == http.StatusInternalServerError:
		return FaultHTTP500
	case r.Status == http.StatusBadGateway:
		require.Contains(t, string(r.Body), "502 Bad Gateway")
		return FaultHTTP502
	case r.Status == http.StatusServiceUnavailable:
		return FaultHTTP503
	case strings.HasPrefix(r.ContentType, "text/html"):
		require.Equal(t, http.StatusOK, r.Status)
		require.Contains(t, string(r.Body), "<center>nginx</center>")
		return FaultHTML
	case r.Code == -1:
		require.False(t, json.Valid(r.Body))
		require.Less(t, len(r.Body), len(full))
		n := min(len(r.Body), head)
		require.Equal(t, string(full[:n]), string(r.Body[:n]), "a truncated answer is a prefix of the real one")
		return FaultTruncated
	case r.Code == CodeBusy:
		require.Equal(t, MsgBusy, r.Message)
		return FaultBusy
	case r.Code == CodeTokenExpired:
		require.Equal(t, MsgTokenExpired, r.Message)
		return FaultToken
	}
	require.EqualValues(t, CodeOK, r.Code, r.Message)
	return ""
}

func TestFaultRates(t *testing.T) {
	const workers = 8
	calls := 2000
	if testing.Short() {
		calls = 400
	}
	cases := []struct {
		name  string
		rate  float64
		kinds []Fault
	}{
		{"every kind at 40%", 0.4, nil},
		{"busy and token at 10%", 0.1, []Fault{FaultBusy, FaultToken}},
		{"5xx at 60%", 0.6, []Fault{FaultHTTP500, FaultHTTP502, FaultHTTP503}},
		{"truncated only at 25%", 0.25, []Fault{FaultTruncated}},
		{"no faults", 0, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			faults := FaultConfig{Rate: tc.rate, Kinds: tc.kinds, SlowDelay: time.Millisecond}
			s, hs := startSim(t, Options{Seed: 21, Faults: faults})
			s.Generate(testAdv, 10, t0.Add(-time.Hour), t0)
			twin, twinHS := startSim(t, Options{Seed: 21})
			twin.Generate(testAdv, 10, t0.Add(-time.Hour), t0)
			body := map[string]any{"advertiser_id": testAdv, "page": 1, "page_size": 5}
			full := list(t, twinHS.URL, testAccess, body).Body
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
			defer client.CloseIdleConnections()

			var mu sync.Mutex
			seen := map[Fault]int{}
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for range calls / workers {
						status, ct, b := post(t, client, hs.URL, ListPath, testAccess, body)
						f := classify(t, status, ct, b, full)
						mu.Lock()
						seen[f]++
						mu.Unlock()
					}
				})
			}
			wg.Wait()

			st := s.Stats()
			require.Equal(t, calls, st.ListCalls)
			kinds := tc.kinds
			if kinds == nil {
				kinds = AllFaults
			}
			p := tc.rate / float64(len(kinds))
			want := float64(calls) * p
			tol := 4*math.Sqrt(want*(1-p)) + 3 // four standard deviations
			for _, k := range kinds {
				require.InDelta(t, want, st.Faults[k], tol, "fault %s", k)
				if k != FaultSlow { // a slow answer is a normal page
					require.Equal(t, st.Faults[k], seen[k], "fault %s seen by the client", k)
				}
			}
			require.Len(t, st.Faults, map[bool]int{true: 0, false: len(kinds)}[tc.rate == 0])
			require.Equal(t, seen[""], st.ListPages)
			require.Equal(t, calls, st.ListPages+st.FaultsInjected()-st.Faults[FaultSlow])
			require.Equal(t, 0, st.AuthRejections, "injected token faults are not auth rejections")
		})
	}
}

func TestSlowFault(t *testing.T) {
	const delay = 300 * time.Millisecond
	s, hs := startSim(t, Options{Faults: FaultConfig{Rate: 1, Kinds: []Fault{FaultSlow}, SlowDelay: delay}})
	s.Generate(testAdv, 3, t0.Add(-time.Hour), t0)
	body := []byte(`{"advertiser_id":20006545,"page":1}`)
	send := func(client *http.Client) (*http.Response, error) {
		req, err := http.NewRequest(http.MethodPost, hs.URL+ListPath, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("access-token", testAccess)
		return client.Do(req)
	}

	_, err := send(&http.Client{Timeout: 50 * time.Millisecond})
	require.Error(t, err)
	var timeout interface{ Timeout() bool }
	require.True(t, errors.As(err, &timeout) && timeout.Timeout(), "%v", err)

	start := time.Now()
	resp, err := send(http.DefaultClient)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.GreaterOrEqual(t, time.Since(start), delay)
	var env struct{ Code int }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&env))
	require.Equal(t, CodeOK, env.Code)
	require.Equal(t, 2, s.Stats().Faults[FaultSlow])
}

func TestFaultsKeepData(t *testing.T) {
	s, hs := startSim(t, Options{Seed: 4, Faults: FaultConfig{Rate: 0.5, SlowDelay: time.Millisecond}})
	s.Generate(testAdv, 120, t0.Add(-2*time.Hour), t0)
	twin := New(Options{Seed: 4})
	twin.Generate(testAdv, 120, t0.Add(-2*time.Hour), t0)

	// A retrying client pages through everything despite the faults.
	client := &http.Client{Timeout: 5 * time.Second}
	var got []map[string]any
	for page := 1; page <= 6; page++ {
		for attempt := 0; ; attempt++ {
			require.Less(t, attempt, 50)
			r := call(t, client, hs.URL, ListPath, testAccess,
				map[string]any{"advertiser_id": testAdv, "page": page, "page_size": 25})
			if r.Status == http.StatusOK && r.Code == CodeOK {
				got = append(got, r.Details...)
				break
			}
		}
	}
	require.Len(t, got, 120)
	require.Equal(t, twin.IDs(testAdv), ids(t, got))
	for _, rec := range got {
		id := rec["id"].(json.Number).String()
		want, ok := twin.Get(id)
		require.True(t, ok)
		require.Equal(t, want, rec)
	}
	require.Greater(t, s.Stats().FaultsInjected(), 0)
}

func TestUnknownFaultKindPanics(t *testing.T) {
	require.Panics(t, func() { New(Options{Faults: FaultConfig{Rate: 1, Kinds: []Fault{"http418"}}}) })
}

func TestConcurrentUse(t *testing.T) {
	s, hs := startSim(t, Options{Seed: 2, Faults: FaultConfig{Rate: 0.2, SlowDelay: time.Millisecond}})
	s.OnList(func(ListRequest, int) { _ = s.IDs(testAdv) })
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	// Each loop runs at least a few times, however late a loaded machine
	// schedules it, so the counts below cannot be zero for want of a turn.
	loop := func(fn func()) {
		wg.Go(func() {
			for n := 0; n < 5 || ctx.Err() == nil; n++ {
				fn()
			}
		})
	}
	for range 4 {
		loop(func() {
			access, _, _ := s.Tokens(testAdv)
			list(t, hs.URL, access, map[string]any{"page": 1, "page_size": 10})
		})
	}
	loop(func() { s.Generate(testAdv, 5, t0.Add(-time.Hour), t0) })
	loop(func() {
		if all := s.IDs(testAdv); len(all) > 0 {
			s.Update(all[len(all)/2], func(c map[string]any) { c["intention_id"] = 12 })
		}
	})
	loop(func() {
		_, ref, _ := s.Tokens(testAdv)
		refresh(t, hs.URL, testAppID, testSecret, ref)
		time.Sleep(5 * time.Millisecond)
	})
	loop(func() { _ = s.Stats() })
	wg.Wait()
	st := s.Stats()
	require.Positive(t, st.ListPages)
	require.Positive(t, st.RefreshCalls)
}
