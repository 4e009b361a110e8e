package daemon

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

func TestRetentionDeletesOldClues(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.app.Config.Store.Retention = 48 * time.Hour
	ctx := context.Background()
	now := e.clock.Now()
	_, err := e.app.Store.UpsertClues(ctx, []store.Clue{
		{ID: "1001", AdvertiserID: 1, CreateTime: now.Add(-72 * time.Hour), UpdateTime: now.Add(-72 * time.Hour), Raw: []byte(`{"id":1001}`)},
		{ID: "1002", AdvertiserID: 1, CreateTime: now.Add(-time.Hour), UpdateTime: now.Add(-time.Hour), Raw: []byte(`{"id":1002}`)},
	})
	require.NoError(t, err)
	d := e.daemon(Options{})
	var names []string
	for _, j := range d.sched.Jobs() {
		names = append(names, j.Name())
	}
	require.Contains(t, names, JobRetention, "the job is scheduled when store.retention is set")
	d.retain(ctx)
	_, err = e.app.Store.Clue(ctx, "1001")
	require.ErrorIs(t, err, store.ErrNotFound, "older than retention: gone")
	_, err = e.app.Store.Clue(ctx, "1002")
	require.NoError(t, err, "recent: kept")
}
