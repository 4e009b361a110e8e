package config

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestAlertsLeaseAndRetries: alerts.lease, retry_backoff and retry_max
// default to the deliverer's historical 2m, 15s and 10m, can be set, and
// are checked.
func TestAlertsLeaseAndRetries(t *testing.T) {
	data, err := os.ReadFile("testdata/full.yaml")
	require.NoError(t, err)
	cfg, err := Parse("c.yaml", data, lookupFrom(testEnv), nil)
	require.NoError(t, err)
	require.Equal(t, AlertsConfig{MaxAge: 24 * time.Hour, Lease: 2 * time.Minute, RetryBackoff: 15 * time.Second,
		RetryMax: 10 * time.Minute}, cfg.Alerts)

	cfg, err = Parse("c.yaml", data, lookupFrom(testEnv), []string{"CLUEBOT_ALERTS__LEASE=5s",
		"CLUEBOT_ALERTS__RETRY_BACKOFF=200ms", "CLUEBOT_ALERTS__RETRY_MAX=2s"})
	require.NoError(t, err)
	require.Equal(t, AlertsConfig{MaxAge: 24 * time.Hour, Lease: 5 * time.Second, RetryBackoff: 200 * time.Millisecond,
		RetryMax: 2 * time.Second}, cfg.Alerts)

	_, err = Parse("c.yaml", data, lookupFrom(testEnv), []string{"CLUEBOT_ALERTS__LEASE=10ms",
		"CLUEBOT_ALERTS__RETRY_BACKOFF=1m", "CLUEBOT_ALERTS__RETRY_MAX=30s"})
	require.ErrorContains(t, err, "alerts.lease: 10ms is shorter than 1s")
	require.ErrorContains(t, err, "alerts.retry_backoff: must be positive and not above alerts.retry_max")
}
