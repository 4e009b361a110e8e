package export

import (
	"strings"
	"time"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// The breakdowns of the 汇总 sheet, in the order they appear.
const (
	keyPage = iota
	keyIntention
	keyCity
	keySource
	keyCall
	keyRoute
	keyDelivery
	keyDate // range exports only
	nLabelKeys
)

// Breakdown keys, as DaySummary.Breakdown takes them.
const (
	BreakdownPage      = "page"
	BreakdownIntention = "intention"
	BreakdownCity      = "city"
	BreakdownSource    = "source_type"
	BreakdownCall      = "call_status"
	BreakdownRoute     = "route"
	BreakdownDelivery  = "delivery"
	BreakdownDate      = "date"
	BreakdownHour      = "hour"
)

var labelKeys = [nLabelKeys]struct{ key, title string }{
	{BreakdownPage, "落地页"}, {BreakdownIntention, "意向"}, {BreakdownCity, "城市"},
	{BreakdownSource, "来源类型"}, {BreakdownCall, "通话状态"}, {BreakdownRoute, "路由"},
	{BreakdownDelivery, "投递状态"}, {BreakdownDate, "日期"},
}

// Labels for values a lead lacks.
const (
	labelNoPage     = "(未命名落地页)"
	labelNoCity     = "(未知城市)"
	labelUnrouted   = "(未分配路由)"
	labelNotRouted  = "(待路由)"
	statusUnrouted  = "未分配路由"
	statusNotRouted = "待路由"
)

// keys are the breakdown labels of one clue.
type keys struct {
	labels   [nLabelKeys]string // "" counts nowhere; keyRoute is unused
	hour     int
	routes   []string
	unrouted bool // routed, and no route took it
	waiting  bool // not routed yet
}

// leadKeys labels a clue of the report day from its decoded lead, so the
// 汇总 agrees with what 明细 shows.
func leadKeys(l *transform.Lead, c *store.Clue, zone *time.Location, withDate bool) keys {
	k := routingKeys(c, zone, withDate)
	k.labels[keyPage] = orLabel(l.PageName, labelNoPage)
	k.labels[keyIntention] = l.IntentionLabel
	k.labels[keyCity] = orLabel(l.City, labelNoCity)
	k.labels[keySource] = l.SourceTypeLabel
	k.labels[keyCall] = l.PhoneStatLabel
	return k
}

// clueKeys labels a clue of a comparison day from the store's normalized
// columns only: no raw JSON is decoded for those days.
func clueKeys(c *store.Clue, zone *time.Location) keys {
	k := routingKeys(c, zone, false)
	k.labels[keyPage] = orLabel(c.PageName, labelNoPage)
	k.labels[keyIntention] = transform.IntentionLabel(c.IntentionID)
	k.labels[keyCity] = orLabel(c.City, labelNoCity)
	k.labels[keySource] = transform.SourceTypeLabel(c.SourceType)
	k.labels[keyCall] = transform.PhoneStatLabel(c.PhoneStat)
	return k
}

func routingKeys(c *store.Clue, zone *time.Location, withDate bool) keys {
	t := c.CreateTime.In(zone)
	k := keys{hour: t.Hour(), routes: c.Routes, waiting: c.RoutedAt.IsZero(), unrouted: c.Unrouted()}
	k.labels[keyDelivery] = deliveryStatus(c)
	if withDate {
		k.labels[keyDate] = t.Format(time.DateOnly)
	}
	return k
}

func orLabel(s, missing string) string {
	if s = strings.TrimSpace(s); s != "" {
		return s
	}
	return missing
}

// deliveryStatus says where a clue's alerts stand, from its outbox counts.
func deliveryStatus(c *store.Clue) string {
	switch {
	case c.RoutedAt.IsZero():
		return statusNotRouted
	case len(c.Routes) == 0:
		return statusUnrouted
	case c.Dead > 0 && c.Sent > 0:
		return "部分失败"
	case c.Dead > 0:
		return "失败"
	case c.Pending > 0:
		return "待发送"
	case c.Sent > 0:
		return "已送达"
	}
	return "无需发送" // routed to routes without receivers
}

// tally counts one day's clues by every breakdown.
type tally struct {
	total, unrouted, waiting int
	by                       [nLabelKeys]map[string]int
	hours                    [24]int
}

func newTally() *tally {
	t := &tally{}
	for i := range t.by {
		t.by[i] = make(map[string]int)
	}
	return t
}

func (t *tally) add(k *keys) {
	t.total++
	t.hours[k.hour]++
	for i, label := range k.labels {
		if label != "" {
			t.by[i][label]++
		}
	}
	switch {
	case k.waiting:
		t.waiting++
		t.by[keyRoute][labelNotRouted]++
	case k.unrouted:
		t.unrouted++
		t.by[keyRoute][labelUnrouted]++
	}
	for i, r := range k.routes {
		if !repeated(k.routes, i) {
			t.by[keyRoute][r]++
		}
	}
}

// repeated reports whether s[i] already occurs before i.
func repeated(s []string, i int) bool {
	for _, v := range s[:i] {
		if v == s[i] {
			return true
		}
	}
	return false
}
