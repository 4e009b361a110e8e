// Package atomicfile writes the files cluebot leaves behind (reports,
// exports, the report state) so that nobody ever finds half of one: the
// content goes to a private temporary file beside the destination, is
// synced to disk, and is renamed over it. A run killed midway leaves the
// destination as it was, good report included, and at most a temporary
// file, which the next write into that folder removes.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Temporary files are named .cluebot-*.tmp: hidden, and recognisable as
// cluebot's own by RemoveStale.
const (
	tmpPrefix = ".cluebot-"
	tmpSuffix = ".tmp"
)

// Write creates or replaces the file at path, mode 0600, with what write
// writes to w. Its folder is created (0700) if need be, and the temporary
// files a killed run left there are removed first (see RemoveStale). If
// write or any step after it fails, path keeps its old content, if any, and
// the temporary file is removed; the error is write's, unchanged, or says
// which step failed.
func Write(path string, write func(w io.Writer) error) error {
	return put(path, write, os.Rename)
}

// Create is Write for a file that must not exist yet: it never replaces
// one, not even one made while write ran. The complete file appears under
// path (linked to the synced temporary file) or not at all; when path
// exists the error matches fs.ErrExist and nothing changes.
func Create(path string, write func(w io.Writer) error) error {
	return put(path, write, func(tmp, path string) error {
		if err := os.Link(tmp, path); err != nil {
			return err
		}
		return os.Remove(tmp)
	})
}

// put writes a temporary file beside path and has place put it there.
func put(path string, write func(w io.Writer) error, place func(tmp, path string) error) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create folder of %s: %w", path, err)
	}
	_, _ = RemoveStale(dir, time.Now())
	tmp, err := os.CreateTemp(dir, tmpPrefix+"*"+tmpSuffix) // 0600
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// The lock tells another run's RemoveStale that this file is alive,
	// however long write takes; the kernel drops it when the process dies.
	_ = lock(tmp)
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := place(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	syncDir(dir) // the rename itself survives a power cut
	return nil
}

// RemoveStale removes the temporary files that runs killed while writing
// left in dir: cluebot's .cluebot-*.tmp files last modified before cutoff
// (the start of the current write) that no live process holds. It returns
// the files removed and the first error met; a file it cannot remove is
// left for the next run.
func RemoveStale(dir string, cutoff time.Time) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	var first error
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(name, tmpPrefix) || !strings.HasSuffix(name, tmpSuffix) {
			continue
		}
		path := filepath.Join(dir, name)
		if info, err := e.Info(); err != nil || !info.ModTime().Before(cutoff) || held(path) {
			continue
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			if first == nil {
				first = err
			}
			continue
		}
		removed = append(removed, path)
	}
	return removed, first
}

// syncDir flushes a folder's entries to disk, where the system allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
