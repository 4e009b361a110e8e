package version

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFromBuildInfo(t *testing.T) {
	stamped := &debug.BuildInfo{
		GoVersion: "go1.26.10",
		Main:      debug.Module{Path: "github.com/cluebot/cluebot", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "480f9e0c1a2b3c4d5e6f708192a3b4c5d6e7f809"},
			{Key: "vcs.time", Value: "2026-12-06T08:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	platform := runtime.GOOS + "/" + runtime.GOARCH
	for _, tc := range []struct {
		name    string
		version string
		bi      *debug.BuildInfo
		want    string
	}{
		{"linker version and vcs", "v1.4.0-3-g480f9e0-dirty", stamped,
			"cluebot v1.4.0-3-g480f9e0-dirty\ncommit 480f9e0c1a2b3c4d5e6f708192a3b4c5d6e7f809 (modified), 2026-12-06T08:00:00Z\n" +
				"built with go1.26.10 " + platform + "\n"},
		{"module version when not linked in", "", stamped,
			"cluebot (devel)\ncommit 480f9e0c1a2b3c4d5e6f708192a3b4c5d6e7f809 (modified), 2026-12-06T08:00:00Z\n" +
				"built with go1.26.10 " + platform + "\n"},
		{"go install of a release", "", &debug.BuildInfo{GoVersion: "go1.26.10", Main: debug.Module{Version: "v1.4.0"}},
			"cluebot v1.4.0\ncommit unknown (built without version control information)\nbuilt with go1.26.10 " + platform + "\n"},
		{"no build info", "", nil,
			"cluebot (devel)\ncommit unknown (built without version control information)\nbuilt with " + runtime.Version() + " " + platform + "\n"},
		{"clean tree", "v2", &debug.BuildInfo{Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "false"}}},
			"cluebot v2\ncommit abc\nbuilt with " + runtime.Version() + " " + platform + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, fromBuildInfo(tc.version, tc.bi).String())
		})
	}
}

// TestGet reads this test binary's own build info: a version is always
// given, and the toolchain is the one running.
func TestGet(t *testing.T) {
	info := Get()
	require.NotEmpty(t, info.Version)
	require.Equal(t, runtime.Version(), info.Go)
}

// TestGetLinkedCommit: a commit set at build time wins over the build
// info's.
func TestGetLinkedCommit(t *testing.T) {
	old := Commit
	t.Cleanup(func() { Commit = old })
	Commit = "0123456789abcdef0123456789abcdef01234567"
	require.Equal(t, Commit, Get().Commit)
	require.Contains(t, Get().String(), "\ncommit "+Commit+"\n")
}
