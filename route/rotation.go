package route

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Rotation hands out turns for round-robin assignment. Next returns the
// index, in [0, members), of the member whose turn it is on route, and
// advances the turn. A store-backed Rotation persists the turn across
// restarts and shares it between instances.
type Rotation interface {
	Next(ctx context.Context, route string, members int) (int, error)
}

// Assign picks the member on duty for one lead of the route: nil, and no
// error, when the route has no round_robin.
func (rt *Route) Assign(ctx context.Context, rot Rotation) (*Member, error) {
	n := len(rt.Mention.RoundRobin)
	if n == 0 {
		return nil, nil
	}
	if rot == nil {
		return nil, errors.New("round robin needs a rotation")
	}
	i, err := rot.Next(ctx, rt.Name, n)
	if err != nil {
		return nil, fmt.Errorf("route %q: next turn: %w", rt.Name, err)
	}
	m := rt.Mention.RoundRobin[(i%n+n)%n]
	return &m, nil
}

// MemoryRotation is a Rotation kept in memory, for tests and the demo: turns
// are forgotten on restart. The zero value is ready to use.
type MemoryRotation struct {
	mu    sync.Mutex
	turns map[string]uint64
}

// Next returns the route's current turn modulo members and advances it.
func (m *MemoryRotation) Next(_ context.Context, route string, members int) (int, error) {
	if members <= 0 {
		return 0, fmt.Errorf("route %q has no members to rotate", route)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.turns == nil {
		m.turns = map[string]uint64{}
	}
	t := m.turns[route]
	m.turns[route] = t + 1
	return int(t % uint64(members)), nil
}

// mention parses `mention: {round_robin: [member, ...]}`.
func (p *parser) mention(n *yaml.Node, where string) Mention {
	var m Mention
	for _, kv := range p.pairs(n, "mention of "+where) {
		k, v := kv[0], kv[1]
		if k.Value != "round_robin" {
			p.errorf(k, "unknown key %q in mention of %s (want round_robin)", k.Value, where)
			continue
		}
		v = resolve(v)
		if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
			p.errorf(v, "round_robin of %s must be a list of people", where)
			continue
		}
		for _, it := range v.Content {
			if mem, ok := p.member(it, where); ok {
				m.RoundRobin = append(m.RoundRobin, mem)
				m.Lines = append(m.Lines, resolve(it).Line)
			}
		}
	}
	return m
}

func (p *parser) member(n *yaml.Node, where string) (Member, bool) {
	var mem Member
	what := "round_robin member of " + where
	kvs := p.pairs(n, what)
	if kvs == nil {
		return mem, false
	}
	ok := true
	for _, kv := range kvs {
		k, v := kv[0], kv[1]
		s, good := p.scalar(v, k.Value+" in "+what)
		s = strings.TrimSpace(s)
		ok = ok && good
		switch k.Value {
		case "name":
			mem.Name = s
		case "mobile":
			if good && !mobileNumber.MatchString(s) {
				p.errorf(v, "bad mobile %q in %s (want digits, like \"13800000001\")", s, what)
				ok = false
			}
			mem.Mobile = s
		case "wecom_userid":
			mem.WeComUserID = s
		case "feishu_open_id":
			mem.FeishuOpenID = s
		default:
			p.errorf(k, "unknown key %q in %s (want name, mobile, wecom_userid, feishu_open_id)", k.Value, what)
			ok = false
		}
	}
	if mem.Name == "" {
		p.errorf(resolve(n), "%s has no name", what)
		ok = false
	}
	return mem, ok
}
