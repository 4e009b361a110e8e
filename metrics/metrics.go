// Package metrics is cluebot's Prometheus instrumentation: counters and
// histograms fed by the daemon's jobs and by the router's and deliverer's
// hooks, the outbox gauges read from the store at scrape time, and the Go
// and process collectors, all on a registry of their own. Every series is
// named cluebot_*.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/cluebot/cluebot/store"
)

// Namespace prefixes every series cluebot exports.
const Namespace = "cluebot"

// Metrics holds cluebot's series and the registry they are served from. Its
// methods are safe for concurrent use.
type Metrics struct {
	// Registry holds every collector below plus the Go and process ones.
	Registry *prometheus.Registry
	log      *slog.Logger

	cluesFetched   *prometheus.CounterVec
	cluesUpdated   *prometheus.CounterVec
	apiErrors      *prometheus.CounterVec
	pulls          *prometheus.CounterVec
	pullDuration   prometheus.Histogram
	lastPull       prometheus.Gauge
	routed         *prometheus.CounterVec
	unrouted       prometheus.Counter
	alerts         *prometheus.CounterVec
	sendDuration   *prometheus.HistogramVec
	alertLatency   *prometheus.HistogramVec
	reports        *prometheus.CounterVec
	reportDuration prometheus.Histogram
	jobRuns        *prometheus.HistogramVec
	jobPanics      *prometheus.CounterVec
	reloads        *prometheus.CounterVec
}

// New registers cluebot's series on a fresh registry. outbox, when not nil,
// is read at every scrape for the outbox gauges; now is its clock (nil:
// time.Now). logger receives scrape errors (nil discards).
func New(outbox OutboxStatser, now func() time.Time, logger *slog.Logger) *Metrics {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	m := &Metrics{Registry: prometheus.NewRegistry(), log: logger.With("component", "metrics")}
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: name, Help: help}, labels)
	}
	m.cluesFetched = counter("clues_fetched_total", "New clues stored by pulls, per account.", "advertiser_id", "account")
	m.cluesUpdated = counter("clues_updated_total", "Stored clues whose status or update_time changed, per account.", "advertiser_id", "account")
	m.apiErrors = counter("api_errors_total", "Failed Kuaishou API work by operation (sync, refresh) and class (retry, auth, permanent).", "op", "class")
	m.pulls = counter("pulls_total", "Pull cycles by result (ok, error).", "result")
	m.pullDuration = prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: Namespace, Name: "pull_duration_seconds",
		Help: "How long a pull cycle (every account) took.", Buckets: prometheus.ExponentialBuckets(0.05, 2, 14)})
	m.lastPull = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: Namespace, Name: "last_successful_pull_timestamp_seconds",
		Help: "Unix time of the last pull cycle in which every account synced."})
	m.routed = counter("leads_routed_total", "Leads routed, per route taken.", "route")
	m.unrouted = prometheus.NewCounter(prometheus.CounterOpts{Namespace: Namespace, Name: "leads_unrouted_total",
		Help: "Leads no route took (kept, logged and reported)."})
	m.alerts = counter("alerts_total", "Alerts per receiver by outcome: sent, failed (queued for a retry or split) or dead (parked for good).", "receiver", "outcome")
	m.sendDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Name: "alert_send_duration_seconds",
		Help: "How long one request to a robot took.", Buckets: prometheus.ExponentialBuckets(0.01, 2, 12)}, []string{"receiver"})
	m.alertLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Name: "alert_latency_seconds",
		Help:    "Time from a lead first being stored to its alert being sent.",
		Buckets: []float64{1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600}}, []string{"receiver"})
	m.reports = counter("reports_total", "Daily report runs by result (ok, error).", "result")
	m.reportDuration = prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: Namespace, Name: "report_duration_seconds",
		Help: "How long writing and delivering the daily report took.", Buckets: prometheus.ExponentialBuckets(0.1, 2, 12)})
	m.jobRuns = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Name: "job_duration_seconds",
		Help: "How long scheduled job runs took, per job.", Buckets: prometheus.ExponentialBuckets(0.05, 2, 14)}, []string{"job"})
	m.jobPanics = counter("job_panics_total", "Scheduled job runs that panicked (recovered).", "job")
	m.reloads = counter("reloads_total", "Hot reloads of rules.yaml and the templates by result (ok, error).", "what", "result")

	m.Registry.MustRegister(m.cluesFetched, m.cluesUpdated, m.apiErrors, m.pulls, m.pullDuration, m.lastPull,
		m.routed, m.unrouted, m.alerts, m.sendDuration, m.alertLatency, m.reports, m.reportDuration,
		m.jobRuns, m.jobPanics, m.reloads,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if outbox != nil {
		m.Registry.MustRegister(newOutboxCollector(outbox, now))
		if f, ok := outbox.(FollowupStatser); ok {
			m.Registry.MustRegister(newFollowupCollector(f, now))
		}
	}
	return m
}

// Handler serves the registry in the Prometheus exposition format. A
// collector that fails (the store is down) is logged and left out; the
// other series are still served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError,
		ErrorLog:      slog.NewLogLogger(m.log.Handler(), slog.LevelError),
	})
}

// OutboxStatser reads the outbox summary; store.Store implements it.
type OutboxStatser interface {
	OutboxStats(ctx context.Context, now time.Time) (store.OutboxStats, error)
}

// scrapeTimeout bounds the store query of one scrape.
const scrapeTimeout = 5 * time.Second

// outboxCollector reads the outbox gauges from the store at scrape time.
type outboxCollector struct {
	st      OutboxStatser
	now     func() time.Time
	pending *prometheus.Desc
	dead    *prometheus.Desc
	oldest  *prometheus.Desc
}

func newOutboxCollector(st OutboxStatser, now func() time.Time) *outboxCollector {
	desc := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(Namespace, "outbox", name), help, nil, nil)
	}
	return &outboxCollector{st: st, now: now,
		pending: desc("pending", "Alerts waiting in the outbox to be sent."),
		dead:    desc("dead", "Alerts parked for good (they need an operator)."),
		oldest:  desc("oldest_pending_age_seconds", "Age of the oldest pending alert; 0 when none is pending."),
	}
}

// Describe implements prometheus.Collector.
func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.pending
	ch <- c.dead
	ch <- c.oldest
}

// Collect implements prometheus.Collector. A store error is reported as an
// invalid metric: the scrape logs it and serves the other series.
func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	now := c.now()
	s, err := c.st.OutboxStats(ctx, now)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.pending, err)
		return
	}
	age := 0.0
	if !s.OldestPending.IsZero() {
		age = max(now.Sub(s.OldestPending), 0).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(s.Pending))
	ch <- prometheus.MustNewConstMetric(c.dead, prometheus.GaugeValue, float64(s.Dead))
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, age)
}
