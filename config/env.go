package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// envPrefix starts the variables that override keys of cluebot.yaml.
const envPrefix = "CLUEBOT_"

// envTopLevel are the top-level keys a variable without "__" overrides;
// other CLUEBOT_ variables (CLUEBOT_CONFIG, CLUEBOT_SECRET_KEY, ...) are not
// keys of the file.
var envTopLevel = map[string]bool{"timezone": true, "rules": true, "templates": true, "ops_receivers": true}

// envPath returns the key path a variable overrides, CLUEBOT_KUAISHOU__QPS
// giving [kuaishou qps], or nil when the variable overrides no key.
func envPath(name string) []string {
	rest, ok := strings.CutPrefix(name, envPrefix)
	if !ok {
		return nil
	}
	rest = strings.ToLower(rest)
	if !strings.Contains(rest, "__") {
		if envTopLevel[rest] {
			return []string{rest}
		}
		return nil
	}
	return strings.Split(rest, "__")
}

// applyEnv sets the value of every CLUEBOT_A__B variable in environ at key
// a.b of the file's tree, before it is checked and decoded, so an override
// is checked like the file: a key no section declares is an error. A path
// segment names the file's key also when the file spells it with "-" or
// in capitals (CLUEBOT_RECEIVERS__HENAN_SALES__URL sets
// receivers.henan-sales.url: a variable name cannot hold a dash), and a
// number picks an item of a list (CLUEBOT_KUAISHOU__ACCOUNTS__0__NAME).
func (d *document) applyEnv(environ []string) Errors {
	vars := append([]string(nil), environ...)
	sort.Strings(vars)
	var errs Errors
	for _, kv := range vars {
		name, val, _ := strings.Cut(kv, "=")
		path := envPath(name)
		if path == nil {
			continue
		}
		if err := d.setEnv(name, path, val); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// setEnv sets val at path, creating the sections the file leaves out.
func (d *document) setEnv(name string, path []string, val string) error {
	var node any = d.root
	set := func(v any) { d.root = v.(map[string]any) }
	key := ""
	for i, seg := range path {
		last := i == len(path)-1
		if seg == "" {
			return &Error{File: d.name, Msg: fmt.Sprintf("%s names no key: an empty part between \"__\"", name)}
		}
		switch n := node.(type) {
		case map[string]any:
			k := fileKey(n, seg)
			key = join(key, k)
			if _, ok := n[k]; !ok {
				d.env[key] = name
			}
			if last {
				n[k], d.env[key] = val, name
				return nil
			}
			node, set = n[k], func(v any) { n[k] = v }
		case []any:
			item := join(key, seg)
			idx, err := strconv.Atoi(seg)
			switch {
			case err != nil || idx < 0:
				return &Error{File: d.name, Line: d.line(item), Key: item,
					Msg: fmt.Sprintf("not an item number of the list (set by %s)", name)}
			case idx >= len(n):
				return &Error{File: d.name, Line: d.line(item), Key: item,
					Msg: fmt.Sprintf("the list has %d item%s (set by %s)", len(n), plural(len(n)), name)}
			}
			key = item
			if last {
				n[idx], d.env[key] = val, name
				return nil
			}
			node, set = n[idx], func(v any) { n[idx] = v }
		}
		if _, ok := node.(map[string]any); !ok {
			if _, list := node.([]any); !list {
				m := map[string]any{} // a value or nothing where keys go: the variable's keys win
				set(m)
				node = m
			}
		}
	}
	return nil
}

// fileKey returns the key of m that the lower-case variable segment seg
// names: seg itself, else a key equal to it once "-" reads "_" and case is
// ignored; seg when m has neither.
func fileKey(m map[string]any, seg string) string {
	if _, ok := m[seg]; ok {
		return seg
	}
	for _, k := range sortedKeys(m) {
		if strings.EqualFold(strings.ReplaceAll(k, "-", "_"), seg) {
			return k
		}
	}
	return seg
}

// envVar returns the variable that set key or a key holding it, if any.
func (d *document) envVar(key string) string {
	for k := key; k != ""; {
		if name, ok := d.env[k]; ok {
			return name
		}
		i := strings.LastIndexByte(k, '.')
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return ""
}

// annotateEnv names the variable in each problem with a value it set: the
// line of the file holds another value, or (a key the file lacks) is the
// line of its section.
func (d *document) annotateEnv(errs Errors) {
	for _, err := range errs {
		e, ok := err.(*Error)
		if !ok || e.Key == "" || strings.Contains(e.Msg, "(set by ") {
			continue
		}
		if name := d.envVar(e.Key); name != "" {
			e.Msg += " (set by " + name + ")"
		}
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
