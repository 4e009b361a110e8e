package report

import (
	"strings"
	"time"

	"github.com/cluebot/cluebot/clue"
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
	labelNoAssignee = "(未指定负责人)"
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

func routingKeys(c *store.Clue, zone *time.Location, withDate bool) keys {
	t := c.CreateTime.In(zone)
	k := keys{hour: t.Hour(), routes: c.Routes, waiting: c.RoutedAt.IsZero(), unrouted: c.Unrouted()}
	k.labels[keyDelivery] = deliveryOf(c).status()
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

// delivery is where a clue's alerts stand: its routing and whether some
// of its outbox rows are sent, pending, dead.
type delivery struct {
	routed, routes      bool // routed; and some route took it
	sent, pending, dead bool
}

func deliveryOf(c *store.Clue) delivery {
	return delivery{routed: !c.RoutedAt.IsZero(), routes: len(c.Routes) > 0,
		sent: c.Sent > 0, pending: c.Pending > 0, dead: c.Dead > 0}
}

// status is the 投递状态 label.
func (d delivery) status() string {
	switch {
	case !d.routed:
		return statusNotRouted
	case !d.routes:
		return statusUnrouted
	case d.dead && d.sent:
		return "部分失败"
	case d.dead:
		return "失败"
	case d.pending:
		return "待发送"
	case d.sent:
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
	t.hours[k.hour]++
	for i, label := range k.labels {
		t.count(i, label, 1)
	}
	t.addRouting(k.waiting, k.unrouted, k.routes, 1)
}

// addGroup counts a comparison day's group of clues, as the store counted
// them (see store.CountClueGroups). A group counts in its own breakdown;
// the delivery groups, which hold every clue once, also carry the totals
// and the routes.
func (t *tally) addGroup(g *store.ClueGroup, zone *time.Location) {
	n := g.Count
	switch g.By {
	case store.GroupPage:
		t.count(keyPage, orLabel(g.Text, labelNoPage), n)
	case store.GroupCity:
		t.count(keyCity, orLabel(g.Text, labelNoCity), n)
	case store.GroupIntention:
		t.count(keyIntention, clue.IntentionLabel(g.Code), n)
	case store.GroupSource:
		t.count(keySource, clue.SourceTypeLabel(g.Code), n)
	case store.GroupCall:
		t.count(keyCall, clue.PhoneStatLabel(g.Code), n)
	case store.GroupQuarter:
		t.hours[g.Start.In(zone).Hour()] += n
	case store.GroupDelivery:
		d := delivery{routed: g.Routed, routes: len(g.Routes) > 0, sent: g.Sent, pending: g.Pending, dead: g.Dead}
		t.count(keyDelivery, d.status(), n)
		t.addRouting(!g.Routed, g.Routed && len(g.Routes) == 0, g.Routes, n)
	}
}

// count adds n to a breakdown's label; "" counts nowhere.
func (t *tally) count(key int, label string, n int) {
	if label != "" {
		t.by[key][label] += n
	}
}

// addRouting counts n clues in the totals and by route.
func (t *tally) addRouting(waiting, unrouted bool, routes []string, n int) {
	t.total += n
	switch {
	case waiting:
		t.waiting += n
		t.by[keyRoute][labelNotRouted] += n
	case unrouted:
		t.unrouted += n
		t.by[keyRoute][labelUnrouted] += n
	}
	for i, r := range routes {
		if !repeated(routes, i) {
			t.by[keyRoute][r] += n
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
