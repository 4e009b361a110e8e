package metrics

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/notify"
)

// Accounts creates the per-account series at zero, so a quiet account
// shows up before its first clue.
func (m *Metrics) Accounts(accounts []fetch.Account) {
	for _, a := range accounts {
		id := strconv.FormatInt(a.AdvertiserID, 10)
		m.cluesFetched.WithLabelValues(id, a.Name)
		m.cluesUpdated.WithLabelValues(id, a.Name)
	}
}

// Pull records one pull cycle: new and updated clues per account, each
// failed account by its error's class (fetch.Classify), the cycle's
// duration, and, when err is nil, at as the last successful pull.
func (m *Metrics) Pull(results []fetch.Result, err error, took time.Duration, at time.Time) {
	for i := range results {
		r := &results[i]
		id := strconv.FormatInt(r.Account.AdvertiserID, 10)
		m.cluesFetched.WithLabelValues(id, r.Account.Name).Add(float64(r.Stats.Inserted))
		m.cluesUpdated.WithLabelValues(id, r.Account.Name).Add(float64(r.Stats.Updated))
		m.APIError("sync", r.Err)
	}
	m.pullDuration.Observe(took.Seconds())
	if err != nil {
		m.pulls.WithLabelValues("error").Inc()
		return
	}
	m.pulls.WithLabelValues("ok").Inc()
	m.lastPull.Set(float64(at.UnixNano()) / 1e9)
}

// APIError counts a failed API operation (sync, refresh) by the class of
// err. Nil errors and the caller's own cancellation are not counted.
func (m *Metrics) APIError(op string, err error) {
	if err == nil || errors.Is(err, context.Canceled) {
		return
	}
	m.apiErrors.WithLabelValues(op, fetch.Classify(err).String()).Inc()
}

// Routed records one routed clue; it fits dispatch.Router.OnRouted. No
// route means the clue is unrouted.
func (m *Metrics) Routed(routes []string) {
	if len(routes) == 0 {
		m.unrouted.Inc()
		return
	}
	for _, r := range routes {
		m.routed.WithLabelValues(r).Inc()
	}
}

// Message records one request to a robot carrying alerts alerts; it fits
// dispatch.Deliverer.OnMessage. A failure the deliverer parks for good
// (permanent, or too large for a single alert) counts as dead; any other
// failure as failed.
func (m *Metrics) Message(receiver string, alerts int, err error, took time.Duration) {
	m.sendDuration.WithLabelValues(receiver).Observe(took.Seconds())
	outcome := "sent"
	if err != nil {
		outcome = "failed"
		switch notify.ClassOf(err) {
		case notify.Permanent:
			outcome = "dead"
		case notify.TooLarge:
			if alerts <= 1 {
				outcome = "dead"
			}
		}
	}
	m.alerts.WithLabelValues(receiver, outcome).Add(float64(alerts))
}

// AlertLatency records how long after its lead was first stored an alert
// reached receiver.
func (m *Metrics) AlertLatency(receiver string, d time.Duration) {
	m.alertLatency.WithLabelValues(receiver).Observe(max(d, 0).Seconds())
}

// Report records one daily report run.
func (m *Metrics) Report(err error, took time.Duration) {
	m.reportDuration.Observe(took.Seconds())
	if err != nil {
		m.reports.WithLabelValues("error").Inc()
		return
	}
	m.reports.WithLabelValues("ok").Inc()
}

// JobRun records one finished run of a scheduled job.
func (m *Metrics) JobRun(job string, took time.Duration) {
	m.jobRuns.WithLabelValues(job).Observe(took.Seconds())
}

// JobPanic counts a scheduled job run that panicked.
func (m *Metrics) JobPanic(job string) { m.jobPanics.WithLabelValues(job).Inc() }

// Reload records a hot reload of what ("rules" or "templates").
func (m *Metrics) Reload(what string, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.reloads.WithLabelValues(what, result).Inc()
}
