package route

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/cluebot/cluebot/fileerr"
)

// PosError is one problem in a rules file, at a line (counted from 1; 0
// when the problem has no single place). config reports with the same type.
type PosError = fileerr.Error

// Errors is every problem found in a rules file, in line order. Its items
// are *PosError.
type Errors = fileerr.List

// parser walks a YAML node tree and collects problems with their lines.
type parser struct {
	file string
	errs Errors
	// expanding holds the mappings whose << merges are being expanded, so a
	// mapping that merges itself is an error, not endless recursion.
	expanding map[*yaml.Node]bool
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	p.errs = append(p.errs, &PosError{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// result returns the collected problems sorted by line, or nil.
func (p *parser) result() error {
	if len(p.errs) == 0 {
		return nil
	}
	p.errs.Sort()
	return p.errs
}

// syntax records a YAML syntax error at its line in data.
func (p *parser) syntax(data []byte, err error) {
	e := fileerr.YAML(p.file, data, err)
	e.Msg = "yaml: " + e.Msg
	p.errs = append(p.errs, e)
}

// resolve follows aliases (*anchor) to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// pairs returns the key/value pairs of a mapping, with `<<` merge keys
// expanded (explicit keys win) and duplicate keys reported. It reports a
// node that is not a mapping and returns nil for it.
func (p *parser) pairs(n *yaml.Node, what string) [][2]*yaml.Node {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping", what)
		return nil
	}
	if p.expanding[n] {
		p.errorf(n, "%s merges itself (<<)", what)
		return nil
	}
	if p.expanding == nil {
		p.expanding = map[*yaml.Node]bool{}
	}
	p.expanding[n] = true
	defer delete(p.expanding, n)
	var out [][2]*yaml.Node
	seen := map[string]bool{}
	var merged [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if k.Tag == "!!merge" {
			for _, m := range mergeSources(v) {
				merged = append(merged, p.pairs(m, what)...)
			}
			continue
		}
		if seen[k.Value] {
			p.errorf(k, "duplicate key %q in %s", k.Value, what)
			continue
		}
		seen[k.Value] = true
		out = append(out, [2]*yaml.Node{k, v})
	}
	for _, kv := range merged {
		if !seen[kv[0].Value] {
			seen[kv[0].Value] = true
			out = append(out, kv)
		}
	}
	return out
}

func mergeSources(v *yaml.Node) []*yaml.Node {
	if v.Kind == yaml.SequenceNode {
		return v.Content
	}
	return []*yaml.Node{v}
}

// scalar returns a scalar's text, reporting any other node.
func (p *parser) scalar(n *yaml.Node, what string) (string, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, "%s must be a single value", what)
		return "", false
	}
	return n.Value, true
}

// scalars returns the items of a scalar or a list of scalars, each with its
// node, reporting anything else.
func (p *parser) scalars(n *yaml.Node, what string) []*yaml.Node {
	n = resolve(n)
	switch n.Kind {
	case yaml.ScalarNode:
		return []*yaml.Node{n}
	case yaml.SequenceNode:
		var out []*yaml.Node
		for _, it := range n.Content {
			it = resolve(it)
			if it.Kind != yaml.ScalarNode {
				p.errorf(it, "%s: each item must be a single value", what)
				continue
			}
			out = append(out, it)
		}
		return out
	}
	p.errorf(n, "%s must be a value or a list of values", what)
	return nil
}
