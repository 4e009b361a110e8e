package config

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/go-viper/mapstructure/v2"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/v2"
	"go.yaml.in/yaml/v3"

	"github.com/cluebot/cluebot/fileerr"
	"github.com/cluebot/cluebot/notify"
)

// document is the parsed YAML with the line of every key, so errors found
// after decoding can still point at the file.
type document struct {
	name  string
	root  map[string]any
	lines map[string]int
	// env holds the keys environment overrides set or added, with the
	// variable that did (see applyEnv).
	env map[string]string
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}`)

// parseYAML parses data, expanding ${VAR} and ${VAR:-default} in scalar
// values, and records key positions. A variable that is not set is a
// problem, returned with the document (its value left empty) so the rest of
// the file is still checked; the document is nil when data is not YAML.
func parseYAML(name string, data []byte, lookup func(string) (string, bool)) (*document, Errors) {
	d := &document{name: name, lines: map[string]int{}, env: map[string]string{}}
	var node yaml.Node
	if err := yaml.Unmarshal(data, &node); err != nil {
		return nil, yamlErrors(name, data, err)
	}
	if len(node.Content) > 0 && node.Content[0].Kind != yaml.MappingNode {
		return nil, Errors{&Error{File: name, Line: node.Content[0].Line,
			Msg: "the file must hold keys (timezone:, store:, kuaishou:, ...), not a list or a single value"}}
	}
	var errs Errors
	d.walk(&node, "", lookup, &errs)
	if len(node.Content) > 0 {
		if err := node.Decode(&d.root); err != nil {
			return nil, yamlErrors(name, data, err)
		}
	}
	if d.root == nil {
		d.root = map[string]any{}
	}
	return d, errs
}

// yamlErrors splits a YAML error into one positioned problem per line:
// yaml.v3 reports several type errors (duplicate keys, ...) in one error,
// each at its node's line. A syntax error is placed at its line in data.
func yamlErrors(name string, data []byte, err error) Errors {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		out := make(Errors, 0, len(te.Errors))
		for _, e := range te.Errors {
			out = append(out, fileerr.YAML(name, nil, errors.New("yaml: "+e)))
		}
		out.Sort()
		return out
	}
	return Errors{fileerr.YAML(name, data, err)}
}

func (d *document) walk(n *yaml.Node, path string, lookup func(string) (string, bool), errs *Errors) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			d.walk(c, path, lookup, errs)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := join(path, n.Content[i].Value)
			d.lines[k] = n.Content[i].Line
			d.walk(n.Content[i+1], k, lookup, errs)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			k := join(path, strconv.Itoa(i))
			d.lines[k] = c.Line
			d.walk(c, k, lookup, errs)
		}
	case yaml.ScalarNode:
		if !strings.Contains(n.Value, "${") {
			return
		}
		n.Value = envRef.ReplaceAllStringFunc(n.Value, func(ref string) string {
			m := envRef.FindStringSubmatch(ref)
			if v, ok := lookup(m[1]); ok && v != "" {
				return v
			}
			if m[2] != "" {
				return m[3]
			}
			*errs = append(*errs, &Error{File: d.name, Line: n.Line, Key: path,
				Msg: fmt.Sprintf("environment variable %s is not set (write ${%s:-} to allow empty)", m[1], m[1])})
			return ""
		})
		n.Tag = "!!str" // an expanded value is text, whatever it looks like
		n.Style = yaml.DoubleQuotedStyle
	}
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// line returns the line of key, or of its nearest ancestor in the file.
func (d *document) line(key string) int { return lineOf(d.lines, key) }

// lineOf returns the line of key in lines, or of its nearest ancestor there.
func lineOf(lines map[string]int, key string) int {
	for k := key; k != ""; {
		if l, ok := lines[k]; ok {
			return l
		}
		i := strings.LastIndexByte(k, '.')
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return 0
}

// decode layers the defaults and the file (environment overrides already
// set in it by applyEnv), and decodes strictly: wrong types are errors.
func decode(d *document) (*Config, Errors) {
	k := koanf.New(".")
	_ = k.Load(confmap.Provider(defaults, "."), nil)
	if err := k.Load(confmap.Provider(d.root, ""), nil); err != nil {
		return nil, Errors{&Error{File: d.name, Msg: err.Error()}}
	}
	// A map's entries decode in random order and the decoder stops at the
	// first bad one: decode each receiver on its own, in name order, so every
	// bad receiver is reported, the same way every time; then the rest
	// without them, so its problems are reported too.
	var errs Errors
	receivers := map[string]notify.ReceiverConfig{}
	for _, name := range k.MapKeys("receivers") {
		var rc notify.ReceiverConfig
		if err := unmarshal(k, "receivers."+name, &rc); err != nil {
			errs = append(errs, d.decodeErrors(err, "receivers."+name)...)
		}
		receivers[name] = rc // as far as it decoded: its name is known
	}
	if len(errs) > 0 {
		k.Delete("receivers")
	}
	var cfg Config
	if err := unmarshal(k, "", &cfg); err != nil {
		errs = append(errs, d.decodeErrors(err, "")...)
	}
	if len(receivers) > 0 && cfg.Receivers == nil {
		cfg.Receivers = receivers
	}
	return &cfg, errs
}

// unmarshal decodes the value at path into out with cluebot's hooks.
func unmarshal(k *koanf.Koanf, path string, out any) error {
	return k.UnmarshalWithConf(path, out, koanf.UnmarshalConf{Tag: "koanf", DecoderConfig: &mapstructure.DecoderConfig{
		DecodeHook: mapstructure.ComposeDecodeHookFunc(durationHook, mapstructure.StringToSliceHookFunc(","),
			strictTypes),
		ErrorUnused:      false, // unknown keys are found with their lines by unknownKeys
		WeaklyTypedInput: true,
		Result:           out,
		TagName:          "koanf",
	}})
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
