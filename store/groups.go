package store

import (
	"fmt"
	"time"
)

// GroupBy names a column that CountClueGroups counts clues by.
type GroupBy int

// The columns CountClueGroups counts by: the breakdowns of the daily report.
const (
	GroupPage      GroupBy = iota + 1 // page_name
	GroupCity                         // city
	GroupIntention                    // intention_id
	GroupSource                       // source_type
	GroupCall                         // phone_stat
	GroupQuarter                      // create_time, by quarter hour
	GroupDelivery                     // whether outbox rows are sent, pending, dead
)

// Groupings lists every GroupBy, in the order above.
var Groupings = []GroupBy{GroupPage, GroupCity, GroupIntention, GroupSource, GroupCall, GroupQuarter, GroupDelivery}

// String names g after its column.
func (g GroupBy) String() string {
	names := [...]string{"", "page_name", "city", "intention_id", "source_type", "phone_stat", "quarter", "delivery"}
	if g > 0 && int(g) < len(names) {
		return names[g]
	}
	return fmt.Sprintf("GroupBy(%d)", int(g))
}

// Quarter is the step of GroupQuarter, counted from the Unix epoch. Every
// time zone's offset is a whole number of quarter hours, so quarters add up
// to the hours of any zone.
const Quarter = 15 * time.Minute

// ClueGroup is how many clues matching a filter share one value of one
// column and one routing.
type ClueGroup struct {
	By GroupBy
	// Text is the value of GroupPage and GroupCity, as stored.
	Text string
	// Code is the value of GroupIntention, GroupSource and GroupCall.
	Code int64
	// Start is, for GroupQuarter, the start of the quarter hour the clues
	// were created in, in UTC.
	Start time.Time
	// Sent, Pending and Dead say, for GroupDelivery, whether the clues have
	// outbox rows in each state.
	Sent, Pending, Dead bool
	// Routed says whether the clues are routed; Routes are the routes they
	// took, in rule order (nil when none did, or not routed yet).
	Routed bool
	Routes []string
	Count  int
}

// CheckGroupings rejects a GroupBy that is none of Groupings.
func CheckGroupings(by []GroupBy) error {
	for _, g := range by {
		if g < GroupPage || g > GroupDelivery {
			return fmt.Errorf("count clue groups: unknown column %v", g)
		}
	}
	return nil
}

// SetCode sets the value of g's column from one integer, as the backends
// compute it in SQL: the value itself for GroupIntention, GroupSource and
// GroupCall; quarter hours since the Unix epoch for GroupQuarter; for
// GroupDelivery 1 if some outbox rows are sent, plus 2 if some are
// pending, plus 4 if some are dead.
func (g *ClueGroup) SetCode(code int64) {
	switch g.By {
	case GroupQuarter:
		g.Start = time.Unix(code*int64(Quarter/time.Second), 0).UTC()
	case GroupDelivery:
		g.Sent, g.Pending, g.Dead = code&1 != 0, code&2 != 0, code&4 != 0
	case GroupIntention, GroupSource, GroupCall:
		g.Code = code
	}
}
