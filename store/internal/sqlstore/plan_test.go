package sqlstore

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestMillis(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
		want time.Time
	}{
		{"zero stays zero", time.Time{}, time.Time{}},
		{"1970 is not zero", time.Unix(0, 0), time.Unix(0, 0).UTC()},
		{"to the millisecond, in UTC", time.Date(2025, 3, 1, 12, 0, 0, 123456789, time.FixedZone("CST", 8*3600)),
			time.Date(2025, 3, 1, 4, 0, 0, 123000000, time.UTC)},
		{"before 1970", time.Date(1969, 12, 31, 23, 59, 59, 500000000, time.UTC),
			time.Date(1969, 12, 31, 23, 59, 59, 500000000, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, MillisOf(tt.in).Time())
		})
	}
	require.NotEqual(t, MillisOf(time.Time{}), MillisOf(time.Unix(0, 0)))
}
