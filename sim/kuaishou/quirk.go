package kuaishou

import (
	"bytes"
	"fmt"
	"strings"
)

// QuirkConfig says which vendor quirks bend successful clue-list answers, and
// how often. Unlike a fault, a quirk answers HTTP 200 with code 0: it is the
// vendor saying something odd, not failing. A quirk is drawn for every code-0
// page, with its own seeded random source (so adding quirks leaves the fault
// draws as they were).
type QuirkConfig struct {
	Rate  float64 // share of code-0 pages bent, 0..1 (1: every page)
	Kinds []Quirk // quirks drawn from, uniformly; default AllQuirks
}

// Quirk names one odd, successful answer.
type Quirk string

// The vendor quirks the simulator can answer with.
const (
	// QuirkDataNull answers code 0 with "data": null: no page at all.
	QuirkDataNull Quirk = "data-null"
	// QuirkDetailsNull answers code 0 with the true total_count and
	// "details": null: a count but no rows.
	QuirkDetailsNull Quirk = "details-null"
	// QuirkUnderCount answers the true rows with a total_count one below
	// the rows of the page (a page of 100 says 99; an empty page says 0).
	QuirkUnderCount Quirk = "undercount"
)

// AllQuirks lists every quirk, the default for QuirkConfig.Kinds.
var AllQuirks = []Quirk{QuirkDataNull, QuirkDetailsNull, QuirkUnderCount}

// ParseQuirks reads a comma-separated list of quirk names ("" is none).
func ParseQuirks(s string) ([]Quirk, error) {
	var out []Quirk
	for _, name := range strings.Split(s, ",") {
		q := Quirk(strings.TrimSpace(name))
		if q == "" {
			continue
		}
		if !q.valid() {
			return nil, fmt.Errorf("unknown quirk %q (known: %s)", q, quirkNames())
		}
		out = append(out, q)
	}
	return out, nil
}

func quirkNames() string {
	names := make([]string, len(AllQuirks))
	for i, q := range AllQuirks {
		names[i] = string(q)
	}
	return strings.Join(names, ", ")
}

// valid reports whether q is one of AllQuirks.
func (q Quirk) valid() bool {
	for _, k := range AllQuirks {
		if q == k {
			return true
		}
	}
	return false
}

// withDefaults clamps the rate and fills in and checks the kinds; it panics
// on an unknown quirk, as Options do on an unknown fault.
func (c QuirkConfig) withDefaults() QuirkConfig {
	c.Rate = min(max(c.Rate, 0), 1)
	if len(c.Kinds) == 0 {
		c.Kinds = AllQuirks
	}
	c.Kinds = append([]Quirk(nil), c.Kinds...)
	for _, k := range c.Kinds {
		if !k.valid() {
			panic(fmt.Sprintf("kuaishou: unknown quirk %q", k))
		}
	}
	return c
}

// SetQuirks replaces the quirks bending code-0 pages from the next call on;
// the zero QuirkConfig turns them off.
func (s *Server) SetQuirks(c QuirkConfig) {
	c = c.withDefaults()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.Quirks = c
}

// drawQuirk draws the quirk for one code-0 page, or "" for none, and counts
// it. The caller holds s.mu.
func (s *Server) drawQuirk() Quirk {
	return draw(s.quirkRNG, s.opts.Quirks.Rate, s.opts.Quirks.Kinds, s.stats.Quirks)
}

// pageBody writes a code-0 answer of rows out of total, bent by q.
func pageBody(q Quirk, total int, rows [][]byte, requestID string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"code":0,"message":"OK","data":`)
	switch q {
	case QuirkDataNull:
		b.WriteString(`null`)
	case QuirkDetailsNull:
		fmt.Fprintf(&b, `{"total_count":%d,"details":null}`, total)
	default:
		if q == QuirkUnderCount {
			total = max(len(rows)-1, 0)
		}
		fmt.Fprintf(&b, `{"total_count":%d,"details":[`, total)
		b.Write(bytes.Join(rows, []byte{','}))
		b.WriteString(`]}`)
	}
	fmt.Fprintf(&b, `,"request_id":"%s"}`, requestID)
	return b.Bytes()
}
