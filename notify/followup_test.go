package notify

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestLateText: a follow-up time as reminders and escalations print it;
// within takes any duration, so a few seconds read as seconds, not as a
// minute.
func TestLateText(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{20 * time.Second, "20 秒"},
		{500 * time.Millisecond, "1 秒"},
		{59600 * time.Millisecond, "1 分钟"},
		{time.Minute, "1 分钟"},
		{90 * time.Second, "2 分钟"},
		{15 * time.Minute, "15 分钟"},
		{2 * time.Hour, "2 小时"},
		{90 * time.Minute, "1 小时 30 分钟"},
		{72 * time.Hour, "3 天"},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, lateText(tc.d), "%s", tc.d)
	}
}
