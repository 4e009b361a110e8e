//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package atomicfile

import "os"

// lock is a no-op where flock is missing: RemoveStale then goes by the
// files' age alone.
func lock(*os.File) error { return nil }

// held reports false: without flock, no lock tells a live file apart.
func held(string) bool { return false }
