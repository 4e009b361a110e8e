package daemon

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// gate counts requests to the Kuaishou simulator and can hold them.
type gate struct {
	next        http.Handler
	calls       atomic.Int32
	inFlight    atomic.Int32
	maxInFlight atomic.Int32
	mu          sync.Mutex
	held        chan struct{} // non-nil: requests wait until it is closed
}

func (g *gate) hold() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.held = make(chan struct{})
}

func (g *gate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.held != nil {
		close(g.held)
		g.held = nil
	}
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.calls.Add(1)
	n := g.inFlight.Add(1)
	defer g.inFlight.Add(-1)
	for {
		m := g.maxInFlight.Load()
		if n <= m || g.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	g.mu.Lock()
	held := g.held
	g.mu.Unlock()
	if held != nil {
		select {
		case <-held:
		case <-r.Context().Done():
			return
		}
	}
	g.next.ServeHTTP(w, r)
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *syncBuffer) contains(s string) bool { return strings.Contains(b.String(), s) }

// nextRun is when the job called name runs next.
func nextRun(t *testing.T, d *daemon, name string) time.Time {
	t.Helper()
	for _, j := range d.sched.Jobs() {
		if j.Name() == name {
			next, err := j.NextRun()
			require.NoError(t, err)
			return next
		}
	}
	t.Fatalf("no job %q", name)
	return time.Time{}
}

// nextRuns lists job name's scheduled times.
func nextRuns(t *testing.T, d *daemon, name string) []time.Time {
	t.Helper()
	for _, j := range d.sched.Jobs() {
		if j.Name() == name {
			next, err := j.NextRuns(5)
			require.NoError(t, err)
			for i := range next {
				next[i] = next[i].UTC()
			}
			return next
		}
	}
	t.Fatalf("no job %q", name)
	return nil
}

// advanceTo waits until job name is scheduled at want (its timer is set),
// then moves the fake clock there. After a run was skipped for overlapping
// NextRun lags behind; use waitWaiters then.
func (e *env) advanceTo(d *daemon, name string, want time.Time) {
	e.t.Helper()
	require.Eventually(e.t, func() bool { return nextRun(e.t, d, name).Equal(want) }, wait, time.Millisecond,
		"job %s is not scheduled at %s (next %s)", name, want, nextRun(e.t, d, name))
	e.clock.Advance(want.Sub(e.clock.Now()))
}

// waitWaiters waits until n timers and tickers wait on the fake clock.
func (e *env) waitWaiters(n int) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	require.NoError(e.t, e.clock.BlockUntilContext(ctx, n), "waiting for %d clock waiters", n)
}

// runs is how many runs of job name have finished.
func runs(d *daemon, name string) int64 { return d.runs[name].Load() }

// waitRuns waits until n runs of job name have finished
// and gocron has seen the last one end, so a run due now is not taken for
// an overlap.
func waitRuns(t *testing.T, d *daemon, name string, n int64) {
	t.Helper()
	require.Eventually(t, func() bool { return runs(d, name) >= n && !running(t, d, name) }, wait, time.Millisecond,
		"job %s: %d runs finished, want %d", name, runs(d, name), n)
	require.Equal(t, n, runs(d, name))
}

// running reports whether gocron counts job name as running.
func running(t *testing.T, d *daemon, name string) bool {
	t.Helper()
	for _, j := range d.sched.Jobs() {
		if j.Name() == name {
			r, err := j.IsRunning()
			require.NoError(t, err)
			return r
		}
	}
	t.Fatalf("no job %q", name)
	return false
}

// lastPull is when the daemon last pulled every account successfully.
func lastPull(d *daemon) time.Time {
	t, _ := d.health.get()
	return t
}
