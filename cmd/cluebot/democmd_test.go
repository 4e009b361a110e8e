package main

import (
	"bytes"
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDemoServeFlags: --serve needs an address it can listen on, and says
// which one it could not take before any work is done.
func TestDemoServeFlags(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	for name, tc := range map[string]struct {
		args []string
		code int
		want string
	}{
		"empty address": {[]string{"demo", "--serve", "--addr", ""}, 2, "--addr"},
		"busy address":  {[]string{"demo", "--serve", "--addr", busy.Addr().String(), "--dir", t.TempDir()}, 1, busy.Addr().String()},
	} {
		t.Run(name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tc.args, &out, &errOut)
			require.Equal(t, tc.code, code, errOut.String())
			require.Contains(t, errOut.String(), tc.want)
		})
	}
}
