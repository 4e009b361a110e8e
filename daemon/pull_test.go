package daemon

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestPullRunsAtStartAndEveryPollInterval(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.addClues(2)
	t0 := e.clock.Now()
	d, stop := e.start(Options{})
	waitRuns(t, d, JobPull, 1)
	require.True(t, lastPull(d).Equal(t0), "pull at start")
	require.EqualValues(t, 1, e.gate.calls.Load())
	for i := 1; i <= 3; i++ {
		at := t0.Add(time.Duration(i) * testPoll)
		e.advanceTo(d, JobPull, at)
		waitRuns(t, d, JobPull, int64(i+1))
		require.True(t, lastPull(d).Equal(at), "pull %d at %s", i, at)
		require.EqualValues(t, i+1, e.gate.calls.Load(), "one list call per pull")
	}
	require.NoError(t, stop())
}

func TestSlowPullNeverOverlapsItself(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.gate.hold()
	t0 := e.clock.Now()
	d, stop := e.start(Options{})
	require.Eventually(t, func() bool { return e.gate.calls.Load() == 1 }, wait, time.Millisecond)
	// While a run is in flight NextRun lags, so count the clock's waiters
	// instead: the pull and token-refresh timers and the delivery ticker.
	const waiters = 3
	e.advanceTo(d, JobPull, t0.Add(testPoll)) // fires while the first pull hangs
	for range 2 {
		e.waitWaiters(waiters) // the skipped run was rescheduled
		e.clock.Advance(testPoll)
	}
	e.waitWaiters(waiters)
	require.Contains(t, nextRuns(t, d, JobPull), t0.Add(4*testPoll), "each skipped run was rescheduled, not queued")
	require.EqualValues(t, 1, e.gate.calls.Load())
	require.Zero(t, runs(d, JobPull))

	e.gate.release()
	waitRuns(t, d, JobPull, 1)
	require.True(t, lastPull(d).Equal(t0.Add(3*testPoll)), "the slow pull finished at the clock's time")
	require.EqualValues(t, 1, e.gate.calls.Load(), "no skipped run replays after the slow one")
	e.waitWaiters(waiters)
	e.clock.Advance(testPoll)
	waitRuns(t, d, JobPull, 2)
	require.EqualValues(t, 2, e.gate.calls.Load())
	require.EqualValues(t, 1, e.gate.maxInFlight.Load())
	require.NoError(t, stop())
}

func TestPulledLeadsAreAlertedRightAway(t *testing.T) {
	e := newEnv(t, envOptions{})
	ids := e.addClues(3)
	_, stop := e.start(Options{})
	// The fake clock never moves: only the pull's wake-up can send them.
	require.Eventually(t, func() bool { return len(e.robots.Messages("sales")) == 3 }, wait, time.Millisecond)
	var got []string
	for _, m := range e.robots.Messages("sales") {
		got = append(got, string(m.Raw))
	}
	for _, id := range ids {
		require.Contains(t, strings.Join(got, "\n"), id)
	}
	require.NoError(t, stop())
}

func TestPanickingJobIsLoggedAndScheduledAgain(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.addClues(1)
	e.app.Router.OnRouted = func([]string) { panic("boom in a hook") }
	t0 := e.clock.Now()
	d, stop := e.start(Options{})
	waitRuns(t, d, JobPull, 1)
	require.Eventually(t, func() bool { return e.logs.contains(`"msg":"job panicked`) }, wait, time.Millisecond)
	require.True(t, e.logs.contains(`"job":"pull"`))
	require.True(t, e.logs.contains("boom in a hook"))
	e.advanceTo(d, JobPull, t0.Add(testPoll))
	waitRuns(t, d, JobPull, 2)
	require.True(t, lastPull(d).Equal(t0.Add(testPoll)), "the daemon lives on and pulls again")
	require.NoError(t, stop())
}

func TestAdaptivePullRunsTenTimesAPollInterval(t *testing.T) {
	// Polling adaptively, each account has its own next time: the job looks
	// for due accounts every tenth of poll_interval, so a hot account due
	// just after a run is not left waiting a whole extra interval.
	e := newEnv(t, envOptions{})
	e.cfg.Kuaishou.CallsPerMinute = 600
	e.addClues(2)
	t0 := e.clock.Now()
	d, stop := e.start(Options{})
	waitRuns(t, d, JobPull, 1)
	require.True(t, t0.Add(testPoll/10).Equal(nextRun(t, d, JobPull)), "next pull at %s", nextRun(t, d, JobPull))
	require.NoError(t, stop())
}
