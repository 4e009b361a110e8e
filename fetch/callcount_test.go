package fetch

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestCallCountSlidesOverTheMinute: calls leave the count 60 seconds after
// they were made.
func TestCallCountSlidesOverTheMinute(t *testing.T) {
	at := time.Date(2026, 3, 9, 15, 0, 0, 0, time.UTC)
	calls := NewCallCount(func() time.Time { return at })
	ctx := context.Background()
	for i := range 90 {
		require.NoError(t, calls.Wait(ctx))
		if i%3 == 2 {
			at = at.Add(time.Second) // 3 calls a second for 30 seconds
		}
	}
	require.Equal(t, 90, calls.LastMinute())
	at = at.Add(40 * time.Second) // 70s after the first: (10s, 70s] counts
	require.Equal(t, 57, calls.LastMinute(), "the first 11 seconds' calls left")
	at = at.Add(time.Hour)
	require.Zero(t, calls.LastMinute())
}
