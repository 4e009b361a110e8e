package store

import (
	"fmt"
	"sync"
	"time"
)

// WriteWatcher is a store that watches its own writes, so readiness can
// notice a store that answers reads and pings but cannot write (a full
// disk, an I/O error, a database gone read-only). Both backends implement
// it.
type WriteWatcher interface {
	// WriteErr returns the last storage failure of a write when it happened
	// within WriteFailureWindow, else nil.
	WriteErr() error
}

// WriteFailureWindow is how long a storage failure of a write keeps a
// store unready. It outlasts a poll cycle, so a store whose large writes
// (clues) fail while its small ones (sync state) still fit is reported
// failing throughout, not every other second.
const WriteFailureWindow = time.Minute

// WriteHealth remembers a store's last storage failure for WriteErr. The
// zero value is ready to use; it is safe for concurrent use.
type WriteHealth struct {
	// Now is the clock of the failures; nil means time.Now.
	Now func() time.Time

	mu     sync.Mutex
	err    error
	failed time.Time
}

// Fail records err, a storage failure, as the latest.
func (h *WriteHealth) Fail(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.err, h.failed = err, h.now()
}

// Err returns the latest storage failure, with how long ago it happened,
// when that is within WriteFailureWindow; else nil.
func (h *WriteHealth) Err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err == nil {
		return nil
	}
	ago := h.now().Sub(h.failed)
	if ago >= WriteFailureWindow {
		return nil
	}
	return fmt.Errorf("a write failed %s ago: %w", ago.Round(time.Second), h.err)
}

func (h *WriteHealth) now() time.Time {
	if h.Now == nil {
		return time.Now()
	}
	return h.Now()
}
