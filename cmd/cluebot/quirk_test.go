package main

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/sqlite"
)

// The vendor-quirk trials of issue 12 A and B: `cluebot pull` as its own
// process against the simulator bending its answers. Each failed before the
// fix (400 of 600 stored; exit 0 with 0 stored and the sync point moved to
// now; 100 of 600 stored).

// quirkTrial is a trial of accounts with 600 leads between them, collected
// over the past 20 hours, and their ids.
func quirkTrial(t *testing.T, accounts int) (*trial, []string) {
	t.Helper()
	tr := newTrial(t, 0, accounts)
	now := time.Now()
	var want []string
	for i := range accounts {
		want = append(want, tr.sim.Generate(int64(30000001+i), 600/accounts, now.Add(-20*time.Hour), now.Add(-time.Minute))...)
	}
	slices.Sort(want)
	return tr, want
}

// stored opens the trial's store (no cluebot process is running) and
// returns the stored ids, sorted, and the sync state of the first account.
func (tr *trial) stored(t *testing.T) ([]string, store.SyncState) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(tr.dir, "data", "cluebot.db"), sqlite.Options{})
	require.NoError(t, err)
	defer st.Close()
	var ids []string
	require.NoError(t, st.IterateClues(ctx, store.ClueFilter{}, func(c *store.Clue) error {
		ids = append(ids, c.ID)
		return nil
	}))
	slices.Sort(ids)
	state, err := st.SyncState(ctx, 30000001)
	require.NoError(t, err)
	return ids, state
}

func TestPullTrialThirtyPercentDataNull(t *testing.T) {
	tr, want := quirkTrial(t, 3)
	tr.sim.SetQuirks(sim.QuirkConfig{Rate: 0.3, Kinds: []sim.Quirk{sim.QuirkDataNull}})
	for i := range 3 {
		code, out, errs := tr.runProcess(t, "pull")
		require.Equal(t, 0, code, "pull %d: %s\n%s", i, out, errs)
		tr.noSecrets(t, out, errs)
	}
	got, _ := tr.stored(t)
	require.Len(t, got, 600, "0 lost")
	require.Equal(t, want, got)
	require.Positive(t, tr.sim.Stats().Quirks[sim.QuirkDataNull])
}

func TestPullTrialDataNullOnEveryPage(t *testing.T) {
	tr, want := quirkTrial(t, 1)
	tr.sim.SetQuirks(sim.QuirkConfig{Rate: 1, Kinds: []sim.Quirk{sim.QuirkDataNull}})
	code, out, errs := tr.runProcess(t, "pull")
	require.Equal(t, 1, code, "%s\n%s", out, errs)
	require.Contains(t, out, "账户1(30000001): 0 new")
	require.Contains(t, out, "FAILED: ")
	require.Contains(t, out, "answer has no page: data is null")
	require.Contains(t, errs, "1 of 1 accounts failed")
	require.Contains(t, errs, `"msg":"sync stopped"`)
	tr.noSecrets(t, out, errs)
	got, state := tr.stored(t)
	require.Empty(t, got)
	require.True(t, state.SyncedTo.IsZero(), "the sync point moved to %s", state.SyncedTo)
	require.Contains(t, state.LastError, "answer has no page")

	tr.sim.SetQuirks(sim.QuirkConfig{}) // the vendor recovers
	code, out, errs = tr.runProcess(t, "pull")
	require.Equal(t, 0, code, "%s\n%s", out, errs)
	require.Contains(t, out, "账户1(30000001): 600 new")
	got, state = tr.stored(t)
	require.Equal(t, want, got)
	require.Empty(t, state.LastError)
	require.False(t, state.SyncedTo.IsZero())
}

func TestPullTrialUnderCountedTotal(t *testing.T) {
	tr, want := quirkTrial(t, 1)
	tr.sim.SetQuirks(sim.QuirkConfig{Rate: 1, Kinds: []sim.Quirk{sim.QuirkUnderCount}})
	code, out, errs := tr.runProcess(t, "pull")
	require.Equal(t, 0, code, "%s\n%s", out, errs)
	require.Contains(t, out, "账户1(30000001): 600 new")
	require.Equal(t, 1, strings.Count(errs, "total_count is below the rows returned"), errs)
	tr.noSecrets(t, out, errs)
	got, _ := tr.stored(t)
	require.Equal(t, want, got, "all 600 in one pull")
}
