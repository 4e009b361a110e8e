package store

import (
	"fmt"
	"slices"
	"strings"
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

// GroupRow is a row of a backend's GROUP BY over every column at once:
// how many clues share all these values. A GroupFolder turns such rows
// into the ClueGroups of the columns asked for, which costs the store one
// sort of the range instead of one per column.
type GroupRow struct {
	PageName, City                     string
	IntentionID, SourceType, PhoneStat int64
	// Quarter counts quarter hours from the Unix epoch to the clues'
	// create_time, rounded down.
	Quarter             int64
	Sent, Pending, Dead bool // some outbox rows in each state
	Routed              bool
	Routes              []string
	Count               int
}

// GroupFolder adds GroupRows up into ClueGroups.
type GroupFolder struct {
	by     []GroupBy
	index  map[groupKey]int
	groups []ClueGroup
}

type groupKey struct {
	by     GroupBy
	text   string
	code   int64
	routed bool
	routes string
}

// NewGroupFolder folds rows into the groups of the columns by; a column
// that is none of Groupings is an error.
func NewGroupFolder(by []GroupBy) (*GroupFolder, error) {
	if err := CheckGroupings(by); err != nil {
		return nil, err
	}
	return &GroupFolder{by: by, index: map[groupKey]int{}}, nil
}

// Add counts r in one group of each column. r is not kept.
func (f *GroupFolder) Add(r *GroupRow) {
	routes := strings.Join(r.Routes, "\x00")
	for _, g := range f.by {
		k := groupKey{by: g, routed: r.Routed, routes: routes}
		switch g {
		case GroupPage:
			k.text = r.PageName
		case GroupCity:
			k.text = r.City
		case GroupIntention:
			k.code = r.IntentionID
		case GroupSource:
			k.code = r.SourceType
		case GroupCall:
			k.code = r.PhoneStat
		case GroupQuarter:
			k.code = r.Quarter
		case GroupDelivery:
			k.code = b2i(r.Sent) | b2i(r.Pending)<<1 | b2i(r.Dead)<<2
		}
		i, ok := f.index[k]
		if !ok {
			i = len(f.groups)
			f.index[k] = i
			f.groups = append(f.groups, newGroup(k, r))
		}
		f.groups[i].Count += r.Count
	}
}

func newGroup(k groupKey, r *GroupRow) ClueGroup {
	g := ClueGroup{By: k.by, Text: k.text, Routed: r.Routed}
	if len(r.Routes) > 0 {
		g.Routes = slices.Clone(r.Routes)
	}
	switch k.by {
	case GroupIntention, GroupSource, GroupCall:
		g.Code = k.code
	case GroupQuarter:
		g.Start = time.Unix(k.code*int64(Quarter/time.Second), 0).UTC()
	case GroupDelivery:
		g.Sent, g.Pending, g.Dead = r.Sent, r.Pending, r.Dead
	}
	return g
}

// Groups returns the groups counted so far.
func (f *GroupFolder) Groups() []ClueGroup { return f.groups }

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
