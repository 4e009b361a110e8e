package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cluebot/cluebot/store"
)

// FollowupStatser counts the follow-up timers; store.Store implements it.
// New registers cluebot_followup_overdue when its outbox argument does.
type FollowupStatser interface {
	FollowupStats(ctx context.Context, now time.Time) (store.FollowupStats, error)
}

// followupCollector reads the follow-up gauge from the store at scrape time.
type followupCollector struct {
	st      FollowupStatser
	now     func() time.Time
	overdue *prometheus.Desc
}

func newFollowupCollector(st FollowupStatser, now func() time.Time) *followupCollector {
	return &followupCollector{st: st, now: now, overdue: prometheus.NewDesc(
		prometheus.BuildFQName(Namespace, "followup", "overdue"),
		"Follow-ups (one per lead and route asking for one) not done whose reminder or escalation time has passed, alerted in the last 7 days.", nil, nil)}
}

// Describe implements prometheus.Collector.
func (c *followupCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.overdue }

// Collect implements prometheus.Collector; a store error is an invalid
// metric, as for the outbox gauges.
func (c *followupCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	s, err := c.st.FollowupStats(ctx, c.now())
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.overdue, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.overdue, prometheus.GaugeValue, float64(s.Overdue))
}
