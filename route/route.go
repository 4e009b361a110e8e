// Package route decides which routes a lead takes, from rules.yaml: ordered
// routes, each with match and not conditions, active time windows, the
// receivers to alert and the people on duty in turn.
package route

import (
	"strconv"
	"time"

	"github.com/cluebot/cluebot/transform"
)

// Rules is a compiled rules file. It is read-only once loaded and safe for
// concurrent use; reload by loading a new one.
type Rules struct {
	File   string
	Fields transform.Fields
	// Routes lists the routes in file order, for reading: routing uses the
	// routes as Parse compiled them.
	Routes []*Route
	// Zone is the time zone of the routes' active windows; Load and Parse
	// set Beijing time. Set it to the configured zone before routing.
	Zone *time.Location

	needAdvText bool // some advertiser_id pattern is a glob or a regexp
	ix          index
	cal         *Calendar
}

// Calendar returns the holidays and make-up workdays of the rules file;
// nil when it has none.
func (r *Rules) Calendar() *Calendar { return r.cal }

// Route is one route of the rules file.
type Route struct {
	Name      string
	Receivers []string
	Mention   Mention
	Template  string
	Continue  bool
	// Followup says how soon the route's leads must be followed up; nil
	// when the route does not ask.
	Followup *Followup
	Line     int // where the route starts in its file

	match     []cond
	not       []cond
	active    []window
	receivers []ref
	cal       *Calendar // the rules file's, which its windows honour
}

// Mention says who is on duty for a route's leads.
type Mention struct {
	RoundRobin []Member
	// Lines holds the line of each member of RoundRobin in the rules file
	// (none for rules not read from one).
	Lines []int
}

// Member is one person a lead can be assigned to, with what each chat
// platform needs to @ them.
type Member struct {
	Name         string
	Mobile       string
	WeComUserID  string
	FeishuOpenID string
}

// Match is one route a lead took.
type Match struct {
	Route *Route
}

// ref is a name in the file, with its line.
type ref struct {
	name string
	line int
}

// view is the lead being routed, with what conditions read precomputed.
type view struct {
	l       *transform.Lead
	advText string
}

func (r *Rules) view(l *transform.Lead) view {
	v := view{l: l}
	if r.needAdvText {
		v.advText = strconv.FormatInt(l.AdvertiserID, 10)
	}
	return v
}

// Route returns the routes lead l takes at time now, in order: every route
// active at now whose conditions hold, up to and including the first one
// without continue. No match means the lead is unrouted.
func (r *Rules) Route(l *transform.Lead, now time.Time) []Match {
	return r.RouteInto(nil, l, now)
}

// RouteInto is Route appending to dst, so that a caller reusing dst[:0]
// routes without allocating (with up to 256 routes).
func (r *Rules) RouteInto(dst []Match, l *transform.Lead, now time.Time) []Match {
	v := r.view(l)
	ck := clockAt(now, r.Zone, r.cal)
	if r.ix.routes == nil { // not made by Parse: no index
		for _, rt := range r.Routes {
			if rt.activeAt(ck) && rt.matches(&v) {
				dst = append(dst, Match{Route: rt})
				if !rt.Continue {
					break
				}
			}
		}
		return dst
	}
	var stack [4]uint64
	cand := stack[:]
	if r.ix.words > len(stack) {
		cand = make([]uint64, r.ix.words)
	}
	cand = cand[:r.ix.words]
	r.ix.candidates(l, cand)
	for i := next(cand); i >= 0; i = next(cand) {
		rt := r.ix.routes[i]
		if !rt.activeAt(ck) || !rt.matches(&v) {
			continue
		}
		dst = append(dst, Match{Route: rt})
		if !rt.Continue {
			break
		}
	}
	return dst
}

// ReadsAnswers reports whether routing reads a lead's form answers: some
// route has a form condition, or the rules map province, city or store to
// an answer.
func (r *Rules) ReadsAnswers() bool {
	if r.Fields != (transform.Fields{}) {
		return true
	}
	for _, rt := range r.Routes {
		for _, cs := range [][]cond{rt.match, rt.not} {
			for i := range cs {
				if cs[i].field == fForm {
					return true
				}
			}
		}
	}
	return false
}

// ByName returns the route called name, or nil.
func (r *Rules) ByName(name string) *Route {
	for _, rt := range r.Routes {
		if rt.Name == name {
			return rt
		}
	}
	return nil
}

// Matches reports whether the route's match and not conditions take lead l,
// leaving its active windows aside.
func (rt *Route) Matches(l *transform.Lead) bool {
	v := view{l: l, advText: strconv.FormatInt(l.AdvertiserID, 10)}
	return rt.matches(&v)
}

// ActiveAt reports whether the route is inside one of its active windows at
// now, read in zone (Beijing time when nil), honouring the rules file's
// calendar. A route without windows is always active.
func (rt *Route) ActiveAt(now time.Time, zone *time.Location) bool {
	return rt.activeAt(clockAt(now, zone, rt.cal))
}

// CatchAll reports whether the route takes every lead: no match, no not and
// no active windows.
func (rt *Route) CatchAll() bool {
	return len(rt.match) == 0 && len(rt.not) == 0 && len(rt.active) == 0
}

// matches: every match condition holds and no not condition does.
func (rt *Route) matches(v *view) bool {
	for i := range rt.match {
		if !rt.match[i].holds(v) {
			return false
		}
	}
	for i := range rt.not {
		if rt.not[i].holds(v) {
			return false
		}
	}
	return true
}
