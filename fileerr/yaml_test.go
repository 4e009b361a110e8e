package fileerr_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/cluebot/cluebot/fileerr"
)

// TestYAMLSyntaxAtItsLine: a syntax error is placed at the line where the
// problem shows, not at the line before its construct that the parser
// names.
func TestYAMLSyntaxAtItsLine(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
	}{
		{"unclosed [ then more routes", "routes:\n  - name: a\n    receivers: [sales\n  - name: b\n    receivers: [x]\n",
			"rules.yaml:3: did not find expected ',' or ']'"},
		{"unclosed [ at the end", "routes:\n  - name: a\n    receivers: [sales]\n  - name: b\n    receivers: [x\n",
			"rules.yaml:5: did not find expected ',' or ']'"},
		{"bad indent deep in the list", "routes:\n  - name: a\n    receivers: [sales]\n   bad: indent\n",
			"rules.yaml:4: did not find expected '-' indicator"},
		{"unclosed quote", "routes:\n  - name: a\n    receivers: sales\n  - name: \"b\n",
			"rules.yaml:4: found unexpected end of stream"},
		{"a valid flow over two lines before the problem", "routes:\n  - name: a\n    receivers: [sales,\n      ops]\n  - name: b\n    receivers: [x\n  - name: c\n",
			"rules.yaml:6: did not find expected ',' or ']'"},
		{"tab", "routes:\n\t- name: a\n", "rules.yaml:2: found character that cannot start any token (a tab: indent with spaces)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var n yaml.Node
			err := yaml.Unmarshal([]byte(tc.text), &n)
			require.Error(t, err)
			require.Equal(t, tc.want, fileerr.YAML("rules.yaml", []byte(tc.text), err).Error())
		})
	}
}

// TestYAMLSyntaxInALongFile: the line is found in a file of a thousand
// routes (a binary search, a few parses), at its end.
func TestYAMLSyntaxInALongFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("routes:\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "  - name: r%d\n    receivers: [sales]\n", i)
	}
	b.WriteString("   bad: indent\n")
	var n yaml.Node
	err := yaml.Unmarshal([]byte(b.String()), &n)
	require.ErrorContains(t, err, "line 1:", "the parser names the start of the list")
	require.Equal(t, "rules.yaml:2002: did not find expected '-' indicator", fileerr.YAML("rules.yaml", []byte(b.String()), err).Error())
}
