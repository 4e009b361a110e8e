package rulesdiff

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRulesParseSince(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"", 7 * 24 * time.Hour, ""},
		{"7d", 7 * 24 * time.Hour, ""},
		{"1d", 24 * time.Hour, ""},
		{"36h", 36 * time.Hour, ""},
		{"90m", 90 * time.Minute, ""},
		{"0d", 0, "must be positive"},
		{"-2h", 0, "must be positive"},
		{"1.5d", 0, "days like 7d"},
		{"week", 0, "a duration like 36h"},
		{"99999d", 0, "days like 7d"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSince(tt.in)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}
