package daemon

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/cluebot/cluebot/dispatch"
	"github.com/cluebot/cluebot/fetch"
)

// earlyRouter routes and wakes delivery while a pull cycle that pulls every
// account (no adaptive polling) is still running, each time an account's
// pull stored new clues: with many accounts at a low qps a cycle takes
// minutes, and the alerts of the accounts pulled first must not wait for
// the last. The cycle's own routing pass, after the pull, takes the rest.
type earlyRouter struct {
	d     *daemon
	kick  chan struct{}
	quit  chan struct{}
	done  chan struct{}
	stats dispatch.RouteStats // read after done
	// panicked is what a routing pass panicked with, and its stack; stop
	// panics with it in the pull job, which logs and counts it as any
	// job's panic.
	panicked any
}

// startEarlyRouting starts routing as accounts finish; stop ends it.
func (d *daemon) startEarlyRouting(ctx context.Context) *earlyRouter {
	r := &earlyRouter{d: d, kick: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{}),
		stats: dispatch.RouteStats{ByRoute: map[string]int{}}}
	go r.loop(ctx)
	return r
}

// pulled is fetch.Syncer.SyncAllEach's callback: an account that stored
// new clues asks for a routing pass (passes asked for while one runs are
// folded into one).
func (r *earlyRouter) pulled(res fetch.Result) {
	if res.Stats.Inserted == 0 {
		return
	}
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

func (r *earlyRouter) loop(ctx context.Context) {
	defer close(r.done)
	defer func() {
		if v := recover(); v != nil {
			r.panicked = fmt.Sprintf("%v (routing during the pull)\n%s", v, debug.Stack())
		}
	}()
	for {
		select {
		case <-r.quit:
			return
		case <-r.kick:
		}
		rs, err := r.d.a.Router.RouteNew(ctx)
		r.stats.Routed += rs.Routed
		r.stats.Unrouted += rs.Unrouted
		r.stats.Enqueued += rs.Enqueued
		if err != nil {
			r.d.log.Warn("routing during the pull failed; routed again when the pull ends", "err", err)
		}
		if rs.Enqueued > 0 {
			r.d.wakeDelivery()
		}
	}
}

// stop waits for a routing pass under way and returns what the passes
// routed, so the cycle's own pass never runs beside one.
func (r *earlyRouter) stop() dispatch.RouteStats {
	close(r.quit)
	<-r.done
	if r.panicked != nil {
		panic(r.panicked)
	}
	return r.stats
}
