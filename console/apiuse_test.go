package console

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/store"
)

// TestOverviewShowsAPIBudgetUse: the overview's card counts the calls of
// the last minute against calls_per_minute from the budget's slots in the
// store, turns red at 90%, shows viewers too, and empties as the minute
// passes; without a budget it counts this process's calls against qps × 60.
func TestOverviewShowsAPIBudgetUse(t *testing.T) {
	onEachStore(t, func(t *testing.T, backend string) {
		var use func(ctx context.Context) (APIUse, error)
		e := newEnvOn(t, backend, "", func(c *Config) {
			c.APIUse = func(ctx context.Context) (APIUse, error) { return use(ctx) }
		})
		p, ok := e.st.(store.Pacing)
		require.True(t, ok)
		budget := fetch.Budget{Store: p, PerMinute: 10, Now: e.clock.Now}
		use = func(ctx context.Context) (APIUse, error) {
			n, err := budget.Used(ctx, e.clock.Now())
			return APIUse{Calls: n, Limit: budget.PerMinute, Shared: true}, err
		}
		ctx := context.Background()
		for range 9 {
			require.NoError(t, budget.Wait(ctx))
			e.clock.Advance(time.Second)
		}
		for _, u := range []struct{ name, pw string }{{"admin", adminPass}, {"王经理", viewerPass}} {
			_, body := e.pageClient(u.name, u.pw).get("/")
			require.Contains(t, body, `<div class="card api-use bad"><span class="num">9 / 10</span>API 调用/分钟（90%）`, u.name)
			require.Contains(t, body, "所有实例 · calls_per_minute")
		}

		e.clock.Advance(time.Minute)
		admin := e.pageClient("admin", adminPass)
		_, body := admin.get("/")
		require.Contains(t, body, `<div class="card api-use"><span class="num">0 / 10</span>API 调用/分钟（0%）`, "the minute passed")

		calls := fetch.NewCallCount(e.clock.Now)
		use = func(context.Context) (APIUse, error) { return APIUse{Calls: calls.LastMinute(), Limit: 300}, nil }
		for range 4 {
			require.NoError(t, calls.Wait(ctx))
		}
		_, body = admin.get("/")
		require.Contains(t, body, `<span class="num">4 / 300</span>API 调用/分钟（1%）`)
		require.Contains(t, body, "本实例 · qps × 60")

		use = func(context.Context) (APIUse, error) { return APIUse{Calls: 4}, nil }
		_, body = admin.get("/")
		require.Contains(t, body, `<span class="num">4 / 不限</span>API 调用/分钟<br>`, "qps 0: unlimited")
	})
}
