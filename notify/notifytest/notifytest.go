// Package notifytest holds what the platform senders' tests share: the
// golden-file check with its -update flag, a fixed clock and a stub robot.
package notifytest

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Update rewrites the golden files in testdata (go test -update).
var Update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Fixed is the clock of golden files and of the simulator in most tests.
var Fixed = time.Date(2024, 5, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// Now returns Fixed.
func Now() time.Time { return Fixed }

// Stub starts a server answering every request with status and body, and
// returns its base URL.
func Stub(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// Golden compares the JSON got, indented, with testdata/name, or rewrites
// the file with -update.
func Golden(t *testing.T, name string, got []byte) {
	t.Helper()
	var pretty bytes.Buffer
	require.NoError(t, json.Indent(&pretty, got, "", "  "))
	pretty.WriteByte('\n')
	path := filepath.Join("testdata", name)
	if *Update {
		require.NoError(t, os.WriteFile(path, pretty.Bytes(), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	require.Equal(t, string(want), pretty.String())
}
