package clue

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOverlongIDIsSkipped(t *testing.T) {
	// A 10 MB id could never be stored (a PostgreSQL key holds about 2.7 KB)
	// and would fail the page on every poll: the record is skipped instead.
	for in, want := range map[string]ID{
		strings.Repeat("9", MaxIDDigits):    ID(strings.Repeat("9", MaxIDDigits)),
		strings.Repeat("9", MaxIDDigits+1):  "",
		strings.Repeat("7", 10<<20):         "",
		`"` + strings.Repeat("1", 41) + `"`: "",
		`"2100000000000000000001"`:          "2100000000000000000001",
	} {
		id := ID("x")
		require.NoError(t, id.UnmarshalJSON([]byte(in)))
		require.Equal(t, want, id, "%.50s", in)
	}
	_, err := Decode([]byte(`{"id":` + strings.Repeat("7", 10<<20) + `,"user_name":"李四"}`))
	require.ErrorIs(t, err, ErrNoID)
}

func TestIntOutOfRangeIsZero(t *testing.T) {
	for in, want := range map[string]Int{
		`123456789012345678901234567890`: 0, `1e400`: 0, `-1e19`: 0, `9.3e18`: 0, `"NaN"`: 0,
		`"Infinity"`: 0, `"-inf"`: 0, `9.2e18`: 9200000000000000000, `-9.2e18`: -9200000000000000000, `"1.5e3"`: 1500,
	} {
		n := Int(7)
		require.NoError(t, n.UnmarshalJSON([]byte(in)))
		require.Equal(t, want, n, in)
	}
}
