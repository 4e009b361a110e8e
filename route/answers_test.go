package route

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReadsAnswers(t *testing.T) {
	tests := []struct {
		name  string
		rules string
		want  bool
	}{
		{"places and enums", "routes:\n  - name: a\n    match: {province: 河南, intention: 3}\n    receivers: [x]\n", false},
		{"catch-all", "routes:\n  - name: a\n    receivers: [x]\n", false},
		{"form match", "routes:\n  - name: a\n    match: {form: {车型: \"*3系*\"}}\n    receivers: [x]\n", true},
		{"form not", "routes:\n  - name: a\n    match: {province: 河南}\n    not: {form: {车型: 宝马}}\n    receivers: [x]\n" +
			"  - name: b\n    receivers: [x]\n", true},
		{"field mapping", "fields:\n  city: {form: 城市}\nroutes:\n  - name: a\n    receivers: [x]\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse("rules.yaml", []byte(tt.rules))
			require.NoError(t, err)
			require.Equal(t, tt.want, r.ReadsAnswers())
		})
	}
}
