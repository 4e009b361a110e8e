package daemon

import (
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// slowHook is a webhook that holds each request until released.
type slowHook struct {
	entered   chan struct{}
	release   chan struct{}
	once      sync.Once
	requests  atomic.Int32
	completed atomic.Int32
}

func newSlowHook() *slowHook {
	return &slowHook{entered: make(chan struct{}, 10), release: make(chan struct{})}
}

func (h *slowHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.requests.Add(1)
	_, _ = io.Copy(io.Discard, r.Body)
	h.entered <- struct{}{}
	select {
	case <-h.release:
	case <-r.Context().Done():
		return // the sender gave up
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"ok":true}`)
	h.completed.Add(1)
}

func (h *slowHook) open() { h.once.Do(func() { close(h.release) }) }

func TestStopWhileAnAlertIsInFlight(t *testing.T) {
	tests := []struct {
		name      string
		grace     time.Duration
		answer    bool   // the robot answers once shutdown has begun
		wantState string // the alert's outbox state after Run returned
	}{
		{name: "the send in flight finishes and is recorded", grace: DefaultGrace, answer: true, wantState: store.OutboxSent},
		{name: "a hung robot is cut off after the grace period; the alert stays queued", grace: 300 * time.Millisecond,
			wantState: store.OutboxPending},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hook := newSlowHook()
			e := newEnv(t, envOptions{hook: hook})
			t.Cleanup(hook.open)
			ids := e.addClues(1)
			d, stop := e.start(Options{Grace: tc.grace})
			select {
			case <-hook.entered:
			case <-time.After(wait):
				t.Fatal("the alert was never sent")
			}

			began := time.Now()
			done := make(chan error, 1)
			go func() { done <- stop() }() // SIGTERM
			select {
			case <-d.draining: // the scheduler has stopped; only the send is left
			case <-time.After(wait):
				t.Fatal("shutdown did not begin")
			}
			if tc.answer {
				require.NoError(t, d.workCtx.Err(), "stopping does not cancel the send in flight")
				hook.open()
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(wait):
				t.Fatal("Run did not return")
			}
			require.NoError(t, err, "a clean stop")
			require.Less(t, time.Since(began), tc.grace+3*time.Second, "well within 10s of SIGTERM")

			items, err := e.app.Store.OutboxItems(context.Background(), ids[0])
			require.NoError(t, err)
			require.Len(t, items, 1)
			require.Equal(t, tc.wantState, items[0].State, "recorded, not lost")
			require.EqualValues(t, 1, hook.requests.Load(), "sent once")
			if tc.answer {
				require.EqualValues(t, 1, hook.completed.Load())
			} else {
				require.Equal(t, 1, items[0].Attempts, "the cut-off send counts as a failed attempt")
			}
		})
	}
}

// TestStopMidCycleLogsNoError: SIGTERM while a pull hangs on the vendor
// cuts the cycle at the grace period; the cancelled pull, routing and
// follow-up steps are logged as "stopped mid-cycle" at info, never as
// errors, and the daemon stops cleanly.
func TestStopMidCycleLogsNoError(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.addClues(2)
	e.gate.hold() // the first pull hangs until the work context ends
	d, stop := e.start(Options{Grace: 200 * time.Millisecond})
	require.Eventually(t, func() bool { return e.gate.inFlight.Load() > 0 }, wait, time.Millisecond,
		"the first pull reached the vendor")
	require.NoError(t, stop(), "a clean stop")
	require.Error(t, d.workCtx.Err(), "the grace period cut the pull short")

	logs := e.logs.String()
	require.Contains(t, logs, `"msg":"stopped mid-cycle"`)
	require.Contains(t, logs, `"msg":"cluebot stopped"`)
	require.NotContains(t, logs, `"level":"ERROR"`, "a stop is not an error")
}
