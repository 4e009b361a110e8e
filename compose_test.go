package cluebot

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// TestComposePublishesOnLoopback checks that docker-compose.yml publishes
// every port on the host's loopback only: /metrics names accounts, and a
// published port without an address is open on every interface.
func TestComposePublishesOnLoopback(t *testing.T) {
	data, err := os.ReadFile("docker-compose.yml")
	require.NoError(t, err)
	var compose struct {
		Services map[string]struct {
			Ports []string `yaml:"ports"`
		} `yaml:"services"`
	}
	require.NoError(t, yaml.Unmarshal(data, &compose))
	published := 0
	for name, svc := range compose.Services {
		for _, p := range svc.Ports {
			published++
			require.True(t, strings.HasPrefix(p, "127.0.0.1:"), "service %s publishes %q beyond the host", name, p)
		}
	}
	require.Equal(t, 2, published, "both cluebot instances publish their HTTP port")
}
