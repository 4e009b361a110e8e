package metrics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/store"
)

type fakeOutbox struct {
	stats store.OutboxStats
	err   error
}

func (f *fakeOutbox) OutboxStats(context.Context, time.Time) (store.OutboxStats, error) {
	return f.stats, f.err
}

func TestMessageOutcomes(t *testing.T) {
	tests := []struct {
		name    string
		alerts  int
		err     error
		outcome string
	}{
		{"sent", 3, nil, "sent"},
		{"network failure is retried", 1, errors.New("connection reset"), "failed"},
		{"rate limited", 2, &notify.Error{Class: notify.Retry}, "failed"},
		{"permanent is dead", 1, &notify.Error{Class: notify.Permanent}, "dead"},
		{"too large digest is split", 4, &notify.Error{Class: notify.TooLarge}, "failed"},
		{"too large single alert is dead", 1, &notify.Error{Class: notify.TooLarge}, "dead"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := New(nil, nil, nil)
			m.Message("sales", tc.alerts, tc.err, 50*time.Millisecond)
			require.Equal(t, float64(tc.alerts), testutil.ToFloat64(m.alerts.WithLabelValues("sales", tc.outcome)))
			require.Equal(t, 1, testutil.CollectAndCount(m.sendDuration))
		})
	}
}

func TestPullCountsPerAccountAndErrorClass(t *testing.T) {
	m := New(nil, nil, nil)
	a := fetch.Account{AdvertiserID: 1001, Name: "郑州宝马"}
	b := fetch.Account{AdvertiserID: 1002, Name: "洛阳奥迪"}
	m.Accounts([]fetch.Account{a, b})
	at := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	m.Pull([]fetch.Result{
		{Account: a, Stats: store.UpsertStats{Inserted: 5, Updated: 2}},
		{Account: b, Err: &fetch.APIError{Op: "list clues", HTTPStatus: 503, Class: fetch.ClassRetryable}},
	}, errors.New("account b failed"), 2*time.Second, at)
	require.Equal(t, 5.0, testutil.ToFloat64(m.cluesFetched.WithLabelValues("1001", "郑州宝马")))
	require.Equal(t, 2.0, testutil.ToFloat64(m.cluesUpdated.WithLabelValues("1001", "郑州宝马")))
	require.Equal(t, 0.0, testutil.ToFloat64(m.cluesFetched.WithLabelValues("1002", "洛阳奥迪")))
	require.Equal(t, 1.0, testutil.ToFloat64(m.apiErrors.WithLabelValues("sync", "retry")))
	require.Equal(t, 1.0, testutil.ToFloat64(m.pulls.WithLabelValues("error")))
	require.Equal(t, 0.0, testutil.ToFloat64(m.lastPull), "a failed cycle is not a successful pull")

	m.Pull([]fetch.Result{{Account: a, Stats: store.UpsertStats{Inserted: 1}}}, nil, time.Second, at)
	require.Equal(t, 6.0, testutil.ToFloat64(m.cluesFetched.WithLabelValues("1001", "郑州宝马")))
	require.Equal(t, float64(at.Unix()), testutil.ToFloat64(m.lastPull))
	require.Contains(t, scrape(t, m), "cluebot_pull_duration_seconds_count 2")

	m.APIError("refresh", fmt.Errorf("refresh: %w", context.Canceled))
	m.APIError("refresh", nil)
	require.Equal(t, 1, testutil.CollectAndCount(m.apiErrors), "cancellation and success are not API errors")
}

func TestRoutedAndUnrouted(t *testing.T) {
	m := New(nil, nil, nil)
	m.Routed([]string{"henan-hot", "everything-else"})
	m.Routed([]string{"henan-hot"})
	m.Routed(nil)
	require.Equal(t, 2.0, testutil.ToFloat64(m.routed.WithLabelValues("henan-hot")))
	require.Equal(t, 1.0, testutil.ToFloat64(m.routed.WithLabelValues("everything-else")))
	require.Equal(t, 1.0, testutil.ToFloat64(m.unrouted))
}

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	require.Equal(t, 200, rec.Code)
	body, err := io.ReadAll(rec.Body)
	require.NoError(t, err)
	return string(body)
}

func TestOutboxGaugesAtScrapeTime(t *testing.T) {
	now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	ob := &fakeOutbox{stats: store.OutboxStats{Pending: 7, Dead: 1, OldestPending: now.Add(-90 * time.Second)}}
	m := New(ob, func() time.Time { return now }, nil)
	m.Report(nil, time.Second)
	body := scrape(t, m)
	for _, want := range []string{"cluebot_outbox_pending 7", "cluebot_outbox_dead 1",
		"cluebot_outbox_oldest_pending_age_seconds 90", `cluebot_reports_total{result="ok"} 1`,
		"go_goroutines", "process_"} {
		require.Contains(t, body, want)
	}

	ob.stats = store.OutboxStats{}
	require.Contains(t, scrape(t, m), "cluebot_outbox_oldest_pending_age_seconds 0")
}

func TestScrapeSurvivesStoreError(t *testing.T) {
	m := New(&fakeOutbox{err: errors.New("database is locked")}, nil, nil)
	m.JobPanic("pull")
	body := scrape(t, m)
	require.NotContains(t, body, "cluebot_outbox_pending")
	require.Contains(t, body, `cluebot_job_panics_total{job="pull"} 1`)
	require.True(t, strings.Contains(body, "go_goroutines"))
}
