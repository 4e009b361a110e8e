package rulesdiff

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/cluebot/cluebot/route"
)

// Result is what a change of rules does to the stored leads, in the shape
// of `cluebot rules diff --json` and POST /api/rules/preview.
type Result struct {
	// Leads is how many stored leads were replayed.
	Leads int `json:"leads"`
	// Changed counts the leads whose set of routes or of receivers differs.
	Changed int `json:"changed"`
	// Routes counts the leads each route takes, for every route of either
	// rule set.
	Routes map[string]*Count `json:"routes"`
	// Receivers counts the leads that reach each receiver (once a lead,
	// however many of its routes name it), for every receiver either rule
	// set names.
	Receivers map[string]*Count `json:"receivers"`
	// Unrouted counts the leads no route takes.
	Unrouted Count `json:"unrouted"`
	// Examples lists some leads that move, in stored order.
	Examples []Example `json:"examples"`
	// Undecodable counts stored leads whose raw JSON no longer decodes,
	// unrouted on both sides.
	Undecodable int `json:"undecodable,omitempty"`
}

// Count is a number of leads under the rules in force and under the
// candidate.
type Count struct {
	Before int `json:"before"`
	After  int `json:"after"`
}

// Example is one lead that moves. Phone is masked.
type Example struct {
	ID       string   `json:"id"`
	UserName string   `json:"user_name"`
	Phone    string   `json:"phone"`
	Before   []string `json:"before"`
	After    []string `json:"after"`
}

func newResult(before, after *route.Rules) *Result {
	res := &Result{Routes: map[string]*Count{}, Receivers: map[string]*Count{}, Examples: []Example{}}
	for _, rules := range []*route.Rules{before, after} {
		for _, rt := range rules.Routes {
			res.Routes[rt.Name] = &Count{}
			for _, rc := range rt.Receivers {
				res.Receivers[rc] = &Count{}
			}
		}
	}
	return res
}

// count adds one lead's two sides to the per-route, per-receiver and
// unrouted counts.
func (r *Result) count(b, a *side) {
	for _, name := range b.routes {
		r.Routes[name].Before++
	}
	for _, name := range a.routes {
		r.Routes[name].After++
	}
	for _, name := range b.receivers {
		r.Receivers[name].Before++
	}
	for _, name := range a.receivers {
		r.Receivers[name].After++
	}
	if len(b.routes) == 0 {
		r.Unrouted.Before++
	}
	if len(a.routes) == 0 {
		r.Unrouted.After++
	}
}

// WriteText writes the result for people: the totals, the routes and
// receivers whose counts change (then the unchanged ones), and the
// examples.
func (r *Result) WriteText(w io.Writer, since string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%d leads stored in the last %s; %d would go elsewhere.\n", r.Leads, since, r.Changed)
	if r.Undecodable > 0 {
		fmt.Fprintf(&b, "%d stored leads no longer decode and stay unrouted.\n", r.Undecodable)
	}
	writeCounts(&b, "routes", r.Routes)
	writeCounts(&b, "receivers", r.Receivers)
	fmt.Fprintf(&b, "\nunrouted: %d → %d%s\n", r.Unrouted.Before, r.Unrouted.After, delta(r.Unrouted))
	if len(r.Examples) > 0 {
		fmt.Fprintf(&b, "\nleads that move (%d of %d):\n", len(r.Examples), r.Changed)
		for _, e := range r.Examples {
			fmt.Fprintf(&b, "  %s %s %s: %s → %s\n", e.ID, e.UserName, e.Phone, routeList(e.Before), routeList(e.After))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeCounts(b *strings.Builder, what string, m map[string]*Count) {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	// The counts that change first, then by name.
	sort.Slice(names, func(i, j int) bool {
		ci, cj := m[names[i]].changes(), m[names[j]].changes()
		if ci != cj {
			return ci
		}
		return names[i] < names[j]
	})
	fmt.Fprintf(b, "\n%s (before → after):\n", what)
	for _, n := range names {
		c := *m[n]
		fmt.Fprintf(b, "  %-24s %d → %d%s\n", n, c.Before, c.After, delta(c))
	}
}

func (c *Count) changes() bool { return c.Before != c.After }

func delta(c Count) string {
	if c.Before == c.After {
		return ""
	}
	return fmt.Sprintf(" (%+d)", c.After-c.Before)
}

func routeList(routes []string) string {
	if len(routes) == 0 {
		return "(unrouted)"
	}
	return strings.Join(routes, ", ")
}
