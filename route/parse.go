package route

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/transform"
)

// Load reads and compiles the rules file at path. Problems in the file come
// back together as Errors, each placed as path:line.
func Load(path string) (*Rules, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// ReadFile reads the rules file at path. An error starts with path, like
// the file's other problems: "rules.yaml: cannot read the rules file: no
// such file or directory".
func ReadFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: cannot read the rules file: %w", path, err)
	}
	return data, nil
}

// Parse compiles rules from data; name is the file name errors are placed
// in. It reports every problem it finds, as Errors of *PosError, not just
// the first. The rules' Zone is Beijing time until the caller sets it.
func Parse(name string, data []byte) (*Rules, error) {
	rules, err := Check(name, data, nil)
	if err != nil {
		return nil, err
	}
	return rules, nil
}

// LoadChecked reads the rules file at path and compiles it like Load,
// checking the receivers its routes name like Check.
func LoadChecked(path string, receivers map[string]bool) (*Rules, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Check(path, data, receivers)
}

// Check compiles rules from data like Parse and, unless receivers is nil,
// also checks that every receiver a route names is in it, reporting the
// problems of both kinds together, in line order: a route with a bad
// pattern does not hide an unknown receiver. With problems it returns them
// and the rules as far as they could be read, for further checks (the
// templates the routes name); such rules must not route.
func Check(name string, data []byte, receivers map[string]bool) (*Rules, error) {
	rules, p := parse(name, data)
	if rules != nil && receivers != nil {
		p.errs = append(p.errs, rules.Validate(receivers)...)
	}
	if err := p.result(); err != nil {
		return rules, err
	}
	rules.ix = buildIndex(rules.Routes)
	return rules, nil
}

// parse reads data into rules, as far as it can, and a parser holding the
// problems; the rules are nil when data is not YAML or is empty.
func parse(name string, data []byte) (*Rules, *parser) {
	p := &parser{file: name}
	rules := &Rules{File: name, Zone: clue.VendorZone}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		p.syntax(data, err)
		return nil, p
	}
	if len(doc.Content) == 0 {
		p.errorf(nil, "no routes: the file is empty")
		return nil, p
	}
	top := resolve(doc.Content[0])
	var routesKey *yaml.Node
	for _, kv := range p.pairs(top, "the rules file") {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "fields":
			rules.Fields = p.fields(v)
		case "routes":
			routesKey = k
			rules.Routes = p.routes(v)
		case "calendar":
			rules.cal = p.calendar(v)
		default:
			p.errorf(k, "unknown key %q at the top (want fields, routes, calendar)", k.Value)
		}
	}
	if routesKey == nil && top.Kind == yaml.MappingNode {
		p.errorf(top, "no routes: add a routes list")
	}
	for _, rt := range rules.Routes {
		rt.cal = rules.cal
		for _, c := range append(rt.match, rt.not...) {
			if c.field == fAdvertiserID && !c.str.empty() {
				rules.needAdvText = true
			}
		}
	}
	return rules, p
}

// Validate checks names the rules file uses but cluebot.yaml defines: every
// receiver a route or its escalation names must be in receivers, and take
// alerts (its value true; false for an email receiver, which takes the
// daily report only). It returns one *PosError per problem, nil when there
// is none.
func (r *Rules) Validate(receivers map[string]bool) []error {
	var errs []error
	check := func(rf ref, where string) {
		takes, known := receivers[rf.name]
		switch {
		case !known:
			errs = append(errs, &PosError{File: r.File, Line: rf.line,
				Msg: fmt.Sprintf("unknown receiver %q in %s (not in cluebot.yaml receivers)", rf.name, where)})
		case !takes:
			errs = append(errs, &PosError{File: r.File, Line: rf.line,
				Msg: fmt.Sprintf("receiver %q in %s takes no alerts (an email receiver takes the daily report only)", rf.name, where)})
		}
	}
	for _, rt := range r.Routes {
		for _, ref := range rt.receivers {
			check(ref, fmt.Sprintf("route %q", rt.Name))
		}
		if f := rt.Followup; f != nil && f.Escalate != nil {
			for _, ref := range f.Escalate.receivers {
				check(ref, fmt.Sprintf("followup.escalate of route %q", rt.Name))
			}
		}
	}
	return errs
}

// fields parses `fields:` — province, city and store, each {form, level}.
func (p *parser) fields(n *yaml.Node) transform.Fields {
	var f transform.Fields
	for _, kv := range p.pairs(n, "fields") {
		k, v := kv[0], kv[1]
		var dst *transform.FieldRef
		switch k.Value {
		case "province":
			dst = &f.Province
		case "city":
			dst = &f.City
		case "store":
			dst = &f.Store
		default:
			p.errorf(k, "unknown key %q in fields (want province, city, store)", k.Value)
			continue
		}
		*dst = p.fieldRef(v, "fields."+k.Value)
	}
	return f
}

func (p *parser) fieldRef(n *yaml.Node, what string) transform.FieldRef {
	var ref transform.FieldRef
	for _, kv := range p.pairs(n, what) {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "form":
			if s, ok := p.scalar(v, what+".form"); ok {
				ref.Form = strings.TrimSpace(s)
			}
		case "level":
			s, ok := p.scalar(v, what+".level")
			lv, isInt := parseCode(s)
			if ok && (!isInt || lv < -100 || lv > 100) {
				p.errorf(v, "bad level %q in %s (want a whole number: 1 is the first level, -1 the last, 0 the whole answer)", s, what)
			}
			ref.Level = int(lv)
		default:
			p.errorf(k, "unknown key %q in %s (want form, level)", k.Value, what)
		}
	}
	if ref.Form == "" && resolve(n).Kind == yaml.MappingNode {
		p.errorf(n, "%s needs form: the label of the form answer", what)
	}
	return ref
}

// routes parses the routes list; route names must be unique.
func (p *parser) routes(n *yaml.Node) []*Route {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "routes must be a list")
		return nil
	}
	if len(n.Content) == 0 {
		p.errorf(n, "no routes: the routes list is empty")
	}
	var out []*Route
	first := map[string]int{}
	for i, it := range n.Content {
		rt := p.route(resolve(it), i)
		if rt == nil {
			continue
		}
		if line, dup := first[rt.Name]; dup && rt.Name != "" {
			p.errorf(resolve(it), "duplicate route name %q (first at line %d)", rt.Name, line)
		} else {
			first[rt.Name] = rt.Line
		}
		out = append(out, rt)
	}
	return out
}
