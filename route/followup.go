package route

import (
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// maxFollowup is the longest follow-up time: a lead untouched for a month
// is no longer one to remind anyone of.
const maxFollowup = 30 * 24 * time.Hour

// Followup is a route's `followup:`: how soon its leads must be followed up,
// counted from when a lead's alert went out, and what happens when they are
// not.
type Followup struct {
	// Within is how long the assignee has.
	Within time.Duration
	// Remind says to remind the assignee in the lead's group when Within
	// passes (true unless the file says remind: false).
	Remind bool
	// Escalate, when set, tells managers of leads still not followed up.
	Escalate *Escalate
	// BusinessHours runs the clock only inside the route's active windows
	// (true unless the file says business_hours: false).
	BusinessHours bool
	// Line is where followup is in its file.
	Line int

	node *yaml.Node
}

// Escalate is `followup.escalate:`: the receivers told when a lead is still
// not followed up After its alert went out.
type Escalate struct {
	// After is counted from the alert, like Within, and is longer.
	After time.Duration
	// Receivers are the names of cluebot.yaml receivers to tell.
	Receivers []string

	receivers []ref
}

// followup parses a route's `followup:`; where names the route.
func (p *parser) followup(n *yaml.Node, where string) *Followup {
	what := "followup of " + where
	kvs := p.pairs(n, what)
	if resolve(n).Kind != yaml.MappingNode {
		return nil
	}
	f := &Followup{Remind: true, BusinessHours: true, Line: n.Line, node: n}
	var within, after *yaml.Node
	for _, kv := range kvs {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "within":
			within = v
			f.Within = p.duration(v, "followup.within of "+where)
		case "remind":
			p.boolean(v, &f.Remind, "followup.remind of "+where)
		case "business_hours":
			p.boolean(v, &f.BusinessHours, "followup.business_hours of "+where)
		case "escalate":
			f.Escalate, after = p.escalate(v, where)
		default:
			p.errorf(k, "unknown key %q in %s (want within, remind, escalate, business_hours)", k.Value, what)
		}
	}
	switch {
	case within == nil:
		p.errorf(n, "%s needs within: how soon a lead must be followed up, like 15m", what)
	case f.Escalate != nil && f.Within > 0 && f.Escalate.After > 0 && f.Escalate.After <= f.Within:
		p.errorf(after, "followup.escalate.after of %s (%s) must be longer than within (%s): both count from the alert",
			where, f.Escalate.After, f.Within)
	}
	if !f.Remind && f.Escalate == nil {
		p.errorf(n, "%s does nothing: remind is false and there is no escalate", what)
	}
	return f
}

// escalate parses `followup.escalate:`, returning it and its after node.
func (p *parser) escalate(n *yaml.Node, where string) (*Escalate, *yaml.Node) {
	what := "followup.escalate of " + where
	kvs := p.pairs(n, what)
	if resolve(n).Kind != yaml.MappingNode {
		return nil, nil
	}
	e := &Escalate{}
	var after, receivers *yaml.Node
	for _, kv := range kvs {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "after":
			after = v
			e.After = p.duration(v, "followup.escalate.after of "+where)
		case "receivers":
			receivers = v
			e.receivers = p.receivers(v, "followup.escalate of "+where)
			for _, r := range e.receivers {
				e.Receivers = append(e.Receivers, r.name)
			}
		default:
			p.errorf(k, "unknown key %q in %s (want after, receivers)", k.Value, what)
		}
	}
	if after == nil {
		p.errorf(n, "%s needs after: how long after the alert the managers hear of it, like 30m", what)
	}
	if receivers == nil || (len(e.receivers) == 0 && resolve(receivers).Kind == yaml.SequenceNode) {
		p.errorf(n, "%s needs receivers: who hears of leads not followed up", what)
	}
	return e, after
}

// duration parses a follow-up time: any Go duration above 0, up to 720h
// (30 days), like 15m or 1h30m (the contract's "any duration"; a reminder
// goes out within a poll interval of its time all the same).
func (p *parser) duration(n *yaml.Node, what string) time.Duration {
	s, ok := p.scalar(n, what)
	if !ok {
		return 0
	}
	d, err := time.ParseDuration(strings.TrimSpace(s))
	switch {
	case err != nil:
		p.errorf(n, "bad duration %q in %s (want a duration like 15m, 2h or 1h30m)", s, what)
		return 0
	case d <= 0 || d > maxFollowup:
		p.errorf(n, "%s is %s: want more than 0, up to 720h (30 days)", what, s)
		return 0
	}
	return d
}

// boolean decodes true or false into dst, reporting anything else.
func (p *parser) boolean(n *yaml.Node, dst *bool, what string) {
	n = resolve(n)
	switch err := n.Decode(dst); {
	case n.Kind != yaml.ScalarNode:
		p.errorf(n, "%s must be true or false", what)
	case err != nil:
		p.errorf(n, "%s must be true or false, not %q", what, n.Value)
	}
}
