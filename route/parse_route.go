package route

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cluebot/cluebot/clue"
)

var (
	templateName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)
	mobileNumber = regexp.MustCompile(`^\+?[0-9]{5,15}$`)
)

// route parses one item of the routes list; i is its index, to name a route
// that has no name.
func (p *parser) route(n *yaml.Node, i int) *Route {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "route #%d must be a mapping with name, match, receivers, ...", i+1)
		return nil
	}
	rt := &Route{Line: n.Line}
	where := fmt.Sprintf("route #%d", i+1)
	for j := 0; j+1 < len(n.Content); j += 2 { // the name first, to name the route in errors
		if k, v := n.Content[j], resolve(n.Content[j+1]); k.Value == "name" && v.Kind == yaml.ScalarNode {
			rt.Name = strings.TrimSpace(v.Value)
		}
	}
	if rt.Name != "" {
		where = fmt.Sprintf("route %q", rt.Name)
	}
	kvs := p.pairs(n, where)
	hasReceivers := false
	for _, kv := range kvs {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "name": // also set here when it came through a << merge
			if s, ok := p.scalar(v, "name of "+where); ok {
				rt.Name = strings.TrimSpace(s)
			}
		case "match":
			rt.match = p.conds(v, "match", where)
		case "not":
			rt.not = p.conds(v, "not", where)
		case "active":
			rt.active = p.active(v, where)
		case "receivers":
			hasReceivers = true
			rt.receivers = p.receivers(v, where)
			for _, r := range rt.receivers {
				rt.Receivers = append(rt.Receivers, r.name)
			}
		case "mention":
			rt.Mention = p.mention(v, where)
		case "template":
			if s, ok := p.scalar(v, "template of "+where); ok {
				if !templateName.MatchString(s) {
					p.errorf(v, "bad template name %q in %s (a name like lead, not a path)", s, where)
				}
				rt.Template = s
			}
		case "continue":
			p.boolean(v, &rt.Continue, "continue in "+where)
		case "followup":
			rt.Followup = p.followup(v, where)
		default:
			p.errorf(k, "unknown key %q in %s", k.Value, where)
		}
	}
	if rt.Name == "" {
		p.errorf(n, "%s has no name", where)
	}
	if !hasReceivers {
		p.errorf(n, "%s has no receivers (write receivers: [] to take its leads without alerting anyone)", where)
	}
	if f := rt.Followup; f != nil && f.Remind && hasReceivers && len(rt.receivers) == 0 {
		p.errorf(f.node, "followup.remind of %s needs the route's receivers: the reminder goes to the lead's group (write remind: false to only escalate)", where)
	}
	return rt
}

// receivers parses a route's receiver names, keeping each once.
func (p *parser) receivers(n *yaml.Node, where string) []ref {
	var out []ref
	seen := map[string]bool{}
	for _, it := range p.scalars(n, "receivers of "+where) {
		name := strings.TrimSpace(it.Value)
		switch {
		case name == "":
			p.errorf(it, "empty receiver name in %s", where)
		case !seen[name]:
			seen[name] = true
			out = append(out, ref{name: name, line: it.Line})
		}
	}
	return out
}

// conds parses a match or not mapping: key → pattern or list of patterns,
// and form → {label → pattern or list}.
func (p *parser) conds(n *yaml.Node, section, where string) []cond {
	var out []cond
	for _, kv := range p.pairs(n, section+" of "+where) {
		k, v := kv[0], kv[1]
		f, known := keys[k.Value]
		switch {
		case !known:
			p.errorf(k, "unknown %s key %q in %s (want one of: %s)",
				section, k.Value, where, strings.Join(MatchKeys(), ", "))
		case f == fForm:
			for _, fkv := range p.pairs(v, section+".form of "+where) {
				label := strings.TrimSpace(fkv[0].Value)
				c := cond{field: fForm, label: label}
				if p.patterns(&c, nil, fkv[1], fmt.Sprintf("%s.form[%s] of %s", section, label, where)) {
					out = append(out, c)
				}
			}
		default:
			c := cond{field: f}
			if p.patterns(&c, clue.EnumByKey(k.Value), v, section+"."+k.Value+" of "+where) {
				out = append(out, c)
			}
		}
	}
	byCost(out)
	return out
}

// idKeys are the match keys besides advertiser_id whose values are decimal
// ids, missing ("") on some leads.
var idKeys = map[field]string{fPageID: "page_id", fCampaignID: "campaign_id", fUnitID: "unit_id", fCreativeID: "creative_id"}

// patterns compiles a key's value into c: codes for an enum (and for numeric
// advertiser ids), string patterns otherwise.
func (p *parser) patterns(c *cond, enum *clue.Enum, n *yaml.Node, what string) bool {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		p.errorf(n, `missing value for %s (write "" to match an empty one)`, what)
		return false
	}
	if n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
		p.errorf(n, "empty list for %s: it would never match", what)
		return false
	}
	ok := true
	for _, it := range p.scalars(n, what) {
		var err error
		switch {
		case enum != nil:
			var codes []int64
			codes, err = enumCodes(enum, it.Value)
			c.codes = append(c.codes, codes...)
		case c.field == fAdvertiserID:
			if code, isCode := parseCode(it.Value); isCode {
				c.codes = append(c.codes, code)
			} else if err = checkID("advertiser_id", it.Value, false); err == nil {
				err = c.str.add(it.Value)
			}
		case idKeys[c.field] != "":
			if err = checkID(idKeys[c.field], it.Value, true); err == nil {
				err = c.str.add(it.Value)
			}
		default:
			err = c.str.add(it.Value)
		}
		if err != nil {
			p.errorf(it, "%v in %s", err, what)
			ok = false
		}
	}
	return ok && (len(c.codes) > 0 || !c.str.empty())
}
