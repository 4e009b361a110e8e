// Package version says which cluebot this is: the release it was built as
// and the commit it was built from, for `cluebot version` and bug reports.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is the release, set at build time:
//
//	go build -ldflags "-X github.com/cluebot/cluebot/version.Version=$(git describe --always --dirty)"
//
// (make build does). Empty: the module version the go command stamped
// ("(devel)" for a build from a checkout).
var Version string

// Commit is the commit built, set at build time like Version (make build
// sets it from git rev-parse HEAD); empty: the build info's vcs.revision,
// which the go command records unless -buildvcs=false.
var Commit string

// Info is what a binary knows about its build.
type Info struct {
	Version  string // Version, else the main module's version, else "(devel)"
	Commit   string // vcs.revision; empty when the build did not stamp it
	Modified bool   // vcs.modified: built from a tree with uncommitted changes
	Time     string // vcs.time, the commit's time (RFC 3339)
	Go       string // the Go toolchain, e.g. go1.26.10
	Platform string // GOOS/GOARCH
}

// Get returns this binary's Info.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	info := fromBuildInfo(Version, bi)
	if Commit != "" && Commit != info.Commit {
		info.Commit, info.Modified, info.Time = Commit, false, ""
	}
	return info
}

// fromBuildInfo makes an Info from the linker-set version and the build
// info (nil when the binary has none).
func fromBuildInfo(version string, bi *debug.BuildInfo) Info {
	info := Info{Version: version, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi == nil {
		if info.Version == "" {
			info.Version = "(devel)"
		}
		return info
	}
	if bi.GoVersion != "" {
		info.Go = bi.GoVersion
	}
	if info.Version == "" {
		info.Version = bi.Main.Version
	}
	if info.Version == "" {
		info.Version = "(devel)"
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Commit = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		case "vcs.time":
			info.Time = s.Value
		}
	}
	return info
}

// String is the text of `cluebot version`: the version, then the commit
// (with its time, and "modified" for a dirty tree; "unknown" when the build
// did not record it), then the toolchain and platform, one per line.
func (i Info) String() string {
	commit := i.Commit
	switch {
	case commit == "":
		commit = "unknown (built without version control information)"
	case i.Modified:
		commit += " (modified)"
	}
	if i.Time != "" && i.Commit != "" {
		commit += ", " + i.Time
	}
	return fmt.Sprintf("cluebot %s\ncommit %s\nbuilt with %s %s\n", i.Version, commit, i.Go, i.Platform)
}
