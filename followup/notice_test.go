package followup_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestChangedNoticedBeforeDue: a lead a pull saw called has its timer
// finished by the next run, long before the reminder would come due, so
// its account stops being polled as hot; a lead that changed without being
// worked on, and one that is not followed up at all, stay open.
func TestChangedNoticedBeforeDue(t *testing.T) {
	e := newEnv(t)
	sent := e.wall("2026-10-12 10:00:00")
	e.alert("1", "office", sent)
	e.alert("2", "office", sent)
	e.alert("3", "office", sent)
	e.run(sent.Add(time.Minute))
	open, err := e.st.HasOpenFollowups(t.Context(), 7)
	require.NoError(t, err)
	require.True(t, open)

	e.clk.Set(sent.Add(2 * time.Minute))
	e.store("1", 101, 0, 0) // called
	e.store("2", 0, 0, 10)  // 清洗中: a change, not a follow-up
	e.job.Changed([]string{"1", "2", "unknown"})
	st := e.run(sent.Add(2*time.Minute + time.Second))
	require.Equal(t, 1, st.Done, "noticed within the poll, 13 minutes before the reminder")
	fs, err := e.st.ClueFollowups(t.Context(), "1")
	require.NoError(t, err)
	require.Equal(t, sent.Add(2*time.Minute), fs[0].DoneAt.In(e.zone), "followed up when the pull saw it")
	for _, id := range []string{"2", "3"} {
		fs, err := e.st.ClueFollowups(t.Context(), id)
		require.NoError(t, err)
		require.True(t, fs[0].DoneAt.IsZero(), "lead %s stays open", id)
	}
	require.Zero(t, e.run(sent.Add(3*time.Minute)).Done, "each change looked at once")

	e.clk.Set(sent.Add(4 * time.Minute))
	e.store("2", 0, 1, 10) // progress 电话建联
	e.store("3", 0, 1, 0)
	e.job.Changed([]string{"2"}) // 3's change was not reported: seen when due
	require.Equal(t, 1, e.run(sent.Add(5*time.Minute)).Done)
	st = e.run(sent.Add(16 * time.Minute))
	require.Equal(t, 1, st.Done, "the due-time check still catches a change never reported")
	require.Zero(t, st.Reminders)
	open, err = e.st.HasOpenFollowups(t.Context(), 7)
	require.NoError(t, err)
	require.False(t, open, "nothing left to poll the account hot for")
}

// TestRestartSweepsChangesNotActedOn: a process killed after storing a
// call and before finishing its timer leaves it open, and the next
// process's pulls see nothing new in the lead; its first run looks at the
// open timers of leads changed since their alert and finishes that one.
func TestRestartSweepsChangesNotActedOn(t *testing.T) {
	e := newEnv(t)
	sent := e.wall("2026-10-12 10:00:00")
	e.alert("1", "office", sent)
	e.alert("2", "office", sent)
	e.run(sent.Add(time.Minute))
	e.clk.Set(sent.Add(2 * time.Minute))
	e.store("1", 101, 0, 0) // stored by the process killed before its Run
	e.store("2", 0, 0, 10)  // a change, not a follow-up
	e.restart()
	st := e.run(sent.Add(3 * time.Minute))
	require.Equal(t, 1, st.Done, "found by the new process's first run")
	for id, done := range map[string]bool{"1": true, "2": false} {
		fs, err := e.st.ClueFollowups(t.Context(), id)
		require.NoError(t, err)
		require.Equal(t, done, !fs[0].DoneAt.IsZero(), "lead %s", id)
	}
}
