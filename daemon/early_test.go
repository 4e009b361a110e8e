package daemon

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/store"
)

// TestAlertsDoNotWaitForTheWholePullCycle: without adaptive polling every
// account is pulled each cycle; an account whose pull hangs must not hold
// back the alerts of one already pulled.
func TestAlertsDoNotWaitForTheWholePullCycle(t *testing.T) {
	const agency, slow = int64(19000000), int64(50000001)
	e := newEnv(t, envOptions{})
	e.ks.AddAgency(agency, slow)
	e.ks.SetAgencyTokens(agency, "agency-access-0123", "agency-refresh-0123")
	ctx, now := context.Background(), e.clock.Now()
	id, err := e.app.Store.PutAuthorization(ctx, store.Authorization{Type: store.AuthAgent, AdvertiserID: agency,
		AuthTokens: store.AuthTokens{AccessToken: "agency-access-0123", RefreshToken: "agency-refresh-0123",
			AccessExpiresAt: now.Add(24 * time.Hour), RefreshExpiresAt: now.Add(720 * time.Hour)}})
	require.NoError(t, err)
	_, _, err = e.app.Store.SetAdvertisers(ctx, id, []int64{slow}, now)
	require.NoError(t, err)
	require.False(t, e.app.Adaptive())

	held, unblock := make(chan struct{}), make(chan struct{})
	release := sync.OnceFunc(func() { close(unblock) })
	t.Cleanup(release)
	var once sync.Once
	e.ks.OnList(func(req sim.ListRequest, _ int) {
		if req.AdvertiserID == slow {
			once.Do(func() { close(held) })
			<-unblock
		}
	})
	e.addClues(3)
	d, stop := e.start(Options{})
	<-held
	require.Eventually(t, func() bool { return len(e.robots.Messages("sales")) == 3 }, wait, time.Millisecond,
		"the fast account's leads are alerted while the slow one is still being pulled")
	require.Zero(t, runs(d, JobPull), "the pull cycle has not ended")

	release()
	waitRuns(t, d, JobPull, 1)
	require.True(t, e.logs.contains(`"msg":"pull cycle done","new_clues":3,"routed":3,"unrouted":0,"alerts_queued":3`),
		"the cycle's log counts what was routed during the pull")
	require.Len(t, e.robots.Messages("sales"), 3, "nothing sent twice")
	require.NoError(t, stop())
}
