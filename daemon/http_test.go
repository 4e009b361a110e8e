package daemon

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// get fetches url and returns the status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func listen(t *testing.T) (net.Listener, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return ln, "http://" + ln.Addr().String()
}

func TestHealthAndReadinessOverHTTP(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.gate.hold() // the first pull hangs
	ln, base := listen(t)
	t0 := e.clock.Now()
	d, stop := e.start(Options{Listener: ln})

	code, body := get(t, base+"/healthz")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "ok\n", body)
	code, body = get(t, base+"/readyz")
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Contains(t, body, "no successful pull yet")

	e.gate.release()
	waitRuns(t, d, JobPull, 1)
	code, body = get(t, base+"/readyz")
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, "ready\n", body)

	e.gate.hold()     // the API stops answering: the next pull hangs, later ones are skipped
	const waiters = 3 // pull and token-refresh timers, delivery ticker
	e.advanceTo(d, JobPull, t0.Add(testPoll))
	for range 4 {
		e.waitWaiters(waiters)
		e.clock.Advance(testPoll)
	}
	code, body = get(t, base+"/readyz")
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Contains(t, body, "last successful pull 5m0s ago (limit 4m0s)")
	code, _ = get(t, base+"/healthz")
	require.Equal(t, http.StatusOK, code, "alive while not ready")

	e.gate.release()
	require.NoError(t, stop())
	_, err := http.Get(base + "/healthz")
	require.Error(t, err, "the server is shut down with the daemon")
}

// downStore is a store whose Ping fails.
type downStore struct{ store.Store }

func (downStore) Ping(context.Context) error { return errors.New("database is locked") }

// fullStore is a store that pings but whose writes fail, as SQLite's on a
// full disk (store/sqlite's TestWriteErr makes its writes fail for real).
type fullStore struct{ store.Store }

func (fullStore) WriteErr() error {
	return errors.New("sqlite: a write failed 3s ago: database or disk is full (13)")
}

func TestReadiness(t *testing.T) {
	tests := []struct {
		name    string
		pullAge time.Duration // since the last successful pull; <0: none
		lastErr error
		down    bool
		full    bool
		want    string // "" for ready
	}{
		{name: "no pull yet", pullAge: -1, want: "no successful pull yet"},
		{name: "first pulls failed", pullAge: -1, lastErr: errors.New("account x: access token refused"),
			want: "no successful pull yet: account x: access token refused"},
		{name: "fresh", pullAge: time.Minute},
		{name: "at the limit", pullAge: 4 * time.Minute},
		{name: "stale", pullAge: 4*time.Minute + time.Second, want: "last successful pull 4m1s ago (limit 4m0s)"},
		{name: "stale and failing", pullAge: time.Hour, lastErr: errors.New("http 503"),
			want: "last successful pull 1h0m0s ago (limit 4m0s); last pull: http 503"},
		{name: "store down", pullAge: time.Minute, down: true, want: "store: database is locked"},
		{name: "store writes failing", pullAge: time.Minute, full: true,
			want: "store: sqlite: a write failed 3s ago: database or disk is full (13)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOptions{})
			d := e.daemon(Options{})
			if tc.pullAge >= 0 {
				d.health.record(e.clock.Now().Add(-tc.pullAge), nil)
			}
			if tc.lastErr != nil {
				d.health.record(e.clock.Now(), tc.lastErr)
			}
			if tc.down {
				e.app.Store = downStore{e.app.Store}
			}
			if tc.full {
				e.app.Store = fullStore{e.app.Store}
			}
			err := d.ready(context.Background())
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tc.want)
		})
	}
}

func TestMetricsAfterACycle(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.addClues(3)
	ln, base := listen(t)
	_, stop := e.start(Options{Listener: ln})
	want := []string{
		`cluebot_clues_fetched_total{account="郑州宝马",advertiser_id="30000001"} 3`,
		`cluebot_pulls_total{result="ok"} 1`,
		`cluebot_pull_duration_seconds_count 1`,
		`cluebot_leads_routed_total{route="all"} 3`,
		`cluebot_alerts_total{outcome="sent",receiver="sales"} 3`,
		`cluebot_alert_send_duration_seconds_count{receiver="sales"} 3`,
		`cluebot_alert_latency_seconds_count{receiver="sales"} 3`,
		`cluebot_job_duration_seconds_count{job="pull"} 1`,
		"cluebot_outbox_pending 0",
		"cluebot_outbox_oldest_pending_age_seconds 0",
		"go_goroutines ",
	}
	var body string
	require.Eventually(t, func() bool {
		_, body = get(t, base+"/metrics")
		for _, w := range want {
			if !strings.Contains(body, w) {
				return false
			}
		}
		return true
	}, wait, 10*time.Millisecond, "missing series in:\n%s", body)
	require.NotContains(t, body, "tok-access-abcdef", "no secret in the metrics")
	require.NoError(t, stop())
}

// TestMetricsToken checks that with http.metrics_token set /metrics answers
// only a request with the bearer token, while /healthz and /readyz stay
// open, and that the token is not logged.
func TestMetricsToken(t *testing.T) {
	const token = "m3tr1cs-t0ken-abcdef"
	e := newEnv(t, envOptions{})
	e.cfg.HTTP.MetricsToken = token
	ln, base := listen(t)
	_, stop := e.start(Options{Listener: ln})

	tests := []struct {
		name, auth string
		want       int
	}{
		{"no header", "", http.StatusUnauthorized},
		{"wrong token", "Bearer wrong", http.StatusUnauthorized},
		{"token with a suffix", "Bearer " + token + "x", http.StatusUnauthorized},
		{"a prefix of the token", "Bearer " + token[:10], http.StatusUnauthorized},
		{"basic scheme", "Basic " + token, http.StatusUnauthorized},
		{"token alone", token, http.StatusUnauthorized},
		{"bearer token", "Bearer " + token, http.StatusOK},
		{"scheme in lower case", "bearer " + token, http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, base+"/metrics", nil)
			require.NoError(t, err)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			require.Equal(t, tc.want, resp.StatusCode, string(body))
			if tc.want == http.StatusOK {
				require.Contains(t, string(body), "go_goroutines ")
				return
			}
			require.Equal(t, `Bearer realm="cluebot metrics"`, resp.Header.Get("WWW-Authenticate"))
			require.NotContains(t, string(body), "cluebot_")
			require.NotContains(t, string(body), token)
		})
	}
	code, _ := get(t, base+"/healthz")
	require.Equal(t, http.StatusOK, code, "health needs no token")
	code, body := get(t, base+"/readyz")
	require.NotEqual(t, http.StatusUnauthorized, code, body)
	require.NoError(t, stop())
	require.Contains(t, e.logs.String(), `"metrics_token":true`)
	require.NotContains(t, e.logs.String(), token, "the token is never logged")
}
