package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/sim/robots"
)

// TestCrashRecovery kills `cluebot run`, a real process, with SIGKILL at
// chosen points of pull (a clue-list call in flight), routing (a clue just
// routed), delivery (an alert just sent, not yet marked) and at the
// send-then-crash instant itself (a robot accepted a message and cluebot has
// not heard back), and restarts it each time. After each kill the store is
// consistent (see checkStore); in the end every lead is at each of its
// robots, and duplicates, which only the send-then-crash instant may
// cause, are at most one message per kill and robot, as README promises
// ("a crash costs at most one duplicate message per robot"): one kill may
// cost each of the three robots one (a digest whose leads come again counts
// once: see deliveries).
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: a few dozen seconds of real processes")
	}
	t.Parallel()
	r := newCrashRig(t, rigOptions{alerts: "  lease: 3s\n"})
	rng := rand.New(rand.NewPCG(uint64(r.seed), 1))
	triggers := []string{"pull", "pull", "route", "route", "deliver", "deliver", "accept", "random"}
	rng.Shuffle(len(triggers), func(i, j int) { triggers[i], triggers[j] = triggers[j], triggers[i] })

	arrivals := r.begin(30, 70, 20*time.Second)
	for _, trig := range triggers {
		time.Sleep(300*time.Millisecond + time.Duration(rng.Int64N(int64(1500*time.Millisecond))))
		jitter := 15 * time.Millisecond
		if trig == "accept" {
			jitter = 0 // killed inside the robot's answer
		}
		if trig == "random" {
			jitter = time.Second
		}
		r.killOn(trig, 8*time.Second, jitter, rng)
		r.checkStore(t)
		r.startDaemon()
	}
	arrivals.Wait()
	r.waitDelivered(t, 90*time.Second)
	r.finish(t)
}

// TestCombinedTrial is the hardening trial: 160 leads, a few before the
// start and most while cluebot runs; the Kuaishou API fails 30% of list
// calls (5xx, busy codes, truncated bodies, answers slower than the client
// waits) and expires access tokens now and then; the robots fail 20% of
// requests (5xx, rate-limit answers, slow answers); cluebot is killed with
// SIGKILL 5 times at random moments and restarted. Every lead reaches each
// of its robots, with at most one duplicate message per kill and robot, no output
// holds a secret, and the store is private.
func TestCombinedTrial(t *testing.T) {
	if testing.Short() {
		t.Skip("combined trial: a few dozen seconds of real processes")
	}
	t.Parallel()
	r := newCrashRig(t, rigOptions{
		ksFaults: sim.FaultConfig{Rate: 0.3, SlowDelay: 1500 * time.Millisecond, Kinds: []sim.Fault{
			sim.FaultHTTP500, sim.FaultHTTP502, sim.FaultHTTP503, sim.FaultBusy, sim.FaultTruncated, sim.FaultSlow}},
		robotFaults: 0.2,
		expireAt:    []int{15, 70, 140, 230},
		alerts:      "  lease: 3s\n  retry_backoff: 200ms\n  retry_max: 2s\n",
	})
	rng := rand.New(rand.NewPCG(uint64(r.seed), 1))
	arrivals := r.begin(24, 136, 25*time.Second)
	for i := 0; i < 5; i++ {
		time.Sleep(1500*time.Millisecond + time.Duration(rng.Int64N(int64(3500*time.Millisecond))))
		r.killOn("random", 0, 0, rng)
		r.checkStore(t)
		r.startDaemon()
	}
	arrivals.Wait()
	r.waitDelivered(t, 90*time.Second)
	// The expireAt points are list calls, which a loaded machine makes fewer
	// of in the trial's time: the tokens still to expire expire now, while
	// the daemon runs, and the daemon must get past each expiry.
	forced := r.expireUpTo(3)
	expired := r.waitRecovered(t, 30*time.Second)
	t.Logf("%d access tokens expired (%d after the trial's list calls), each refreshed and used", expired, forced)
	r.finish(t)
	st := r.ks.Stats()
	require.Positive(t, st.FaultsInjected())
	require.GreaterOrEqual(t, expired, 3)
	require.GreaterOrEqual(t, st.RefreshCalls, expired, "expired tokens were refreshed")
}

// TestDuplicateCounting pins how the crash tests count duplicates: once
// per message whose leads come again, however the resend groups them.
func TestDuplicateCounting(t *testing.T) {
	got := resentLater([][]string{
		{"1", "2", "3"}, // lost in a crash: its digest comes back split,
		{"4"},
		{"1", "2"}, //    here
		{"3", "5"}, //    and merged with a new lead here
		{"6"},      // lost twice:
		{"6"},      //   sent again, lost again,
		{"6"},      //   and sent for good
	})
	require.Equal(t, []resent{{msg: 0, tags: []string{"1", "2", "3"}, again: 2}, {msg: 4, tags: []string{"6"}, again: 5},
		{msg: 5, tags: []string{"6"}, again: 6}}, got)
}

// finish stops the daemon cleanly, runs an export, checks the store, the
// deliveries and the secrets, and logs the figures. Duplicates are counted
// as deliveries explains: one per message whose leads a robot got again.
func (r *crashRig) finish(t *testing.T) {
	t.Helper()
	r.stopDaemon()
	f := r.checkFinal(t)
	r.export(t)
	fig, missing := r.deliveries(t)
	require.Empty(t, missing)
	require.Zero(t, fig.unknown, "the robot gate knows who sent every message")
	outputs := r.outputs(t)
	secrets, size := r.checkNoSecrets(t, outputs)

	r.mu.Lock()
	kills := append([]killRecord(nil), r.kills...)
	procs := len(r.procs)
	r.mu.Unlock()
	for _, k := range kills {
		held := ""
		if k.held > 0 {
			held = fmt.Sprintf(", after waiting %s for a rotated token to be saved", k.held.Round(time.Millisecond))
		}
		t.Logf("kill %d at %s on %s%s: interrupted %s (last log lines: %s)", k.n, k.at, k.trigger, held,
			interrupted(k.trigger, k.last), strings.Join(k.last, " | "))
	}
	// Each duplicate must be a message a killed process sent and could not
	// mark sent: its sender was killed, before the resend, and a kill costs
	// each robot one duplicate message at most.
	perKill := map[string]int{}
	for _, d := range fig.dups {
		var by *killRecord
		for i := range kills {
			if kills[i].proc == d.sender {
				by = &kills[i]
			}
		}
		if by == nil {
			t.Errorf("%s got 客户%s号 again at %s, first sent at %s by process %d, which was not killed", d.robot,
				strings.Join(d.tags, "号 客户"), d.sent.Format("15:04:05.000"), d.first.Format("15:04:05.000"), d.sender)
			continue
		}
		t.Logf("duplicate at %s: %d lead(s) of a message process %d sent, accepted %s before kill %d (%s), sent again %s after it",
			d.robot, len(d.tags), d.sender, by.when.Sub(d.first).Round(time.Millisecond), by.n, by.trigger,
			d.sent.Sub(by.when).Round(time.Millisecond))
		if !by.when.Before(d.sent) {
			t.Errorf("the resend to %s comes before kill %d", d.robot, by.n)
		}
		if perKill[fmt.Sprint(by.n, d.robot)]++; perKill[fmt.Sprint(by.n, d.robot)] > 1 {
			t.Errorf("kill %d cost %s more than one duplicate message", by.n, d.robot)
		}
	}
	total, totalLeads, resends, msgs := 0, 0, 0, 0
	var per []string
	for _, rcv := range []string{"ding", "wecom", "feishu"} {
		total += fig.dupMsgs[rcv]
		totalLeads += fig.dupLeads[rcv]
		resends += fig.resends[rcv]
		msgs += fig.messages[rcv]
		per = append(per, fmt.Sprintf("%s %d (%d dup)", rcv, fig.messages[rcv], fig.dupMsgs[rcv]))
	}
	st := r.ks.Stats()
	injected, real := map[robots.Fault]int{}, 0
	for _, f := range r.rb.Refusals() {
		if f.Fault == "" {
			real++
			t.Logf("robot refused for real: %s %d %s", f.Platform, f.Code, f.Message)
		}
		injected[f.Fault]++
	}
	delete(injected, "")
	var faults []string
	for k, v := range st.Faults {
		faults = append(faults, string(k)+"="+strconv.Itoa(v))
	}
	sort.Strings(faults)
	t.Logf("seed %d: %d leads, %d kills, %d processes, %d messages (%s), %d duplicate messages (their leads came again in %d messages, %d lead deliveries)",
		r.seed, len(r.snapshot()), len(kills), procs, msgs, strings.Join(per, ", "), total, resends, totalLeads)
	t.Logf("store: %d clues, %d routed, %d alerts sent; API: %d list calls, %d faults injected (%s), %d refreshes, %d auth rejections; robots: faults injected %v, %d real refusals; took %s",
		f.clues, f.routed, f.sent, st.ListCalls, st.FaultsInjected(), strings.Join(faults, " "), st.RefreshCalls,
		st.AuthRejections, injected, real, r.since())
	t.Logf("secrets: none of %d secrets (the app secret, robot keys and signing secrets, %d tokens issued) in %d outputs, %d bytes",
		secrets, secrets-len(rigFixedSecrets), len(outputs), size)
	// The contract is per kill and robot (checked above for each duplicate),
	// not per kill: one kill may interrupt a send to each robot at once, so
	// the total is bounded by the (kill, robot) pairs, not by the kills.
	for _, rcv := range []string{"ding", "wecom", "feishu"} {
		require.LessOrEqual(t, fig.dupMsgs[rcv], len(kills), "duplicate messages at %s", rcv)
	}
	require.LessOrEqual(t, total, len(kills)*3, "duplicate messages in total")
	require.Zero(t, real, "pacing kept every robot within its rate limit")
}

// export exports every stored lead into export.jsonl with `cluebot export`
// and checks it holds every lead once.
func (r *crashRig) export(t *testing.T) {
	t.Helper()
	file := filepath.Join(r.dir, "export.jsonl")
	code, _, errs := r.command("export", "--from", "2000-01-01", "--to", "2100-01-01", "--out", file)
	require.Equal(t, 0, code, errs)
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	var got, want []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var rec struct{ ID string }
		require.NoError(t, json.Unmarshal([]byte(line), &rec))
		got = append(got, rec.ID)
	}
	for _, l := range r.snapshot() {
		want = append(want, l.id)
	}
	sort.Strings(got)
	sort.Strings(want)
	require.Equal(t, want, got, "the export holds every lead once")
}

// interrupted says what a kill interrupted: what its trigger was waiting
// for, else a guess from the process's last log lines (newest last).
func interrupted(trigger string, last []string) string {
	switch trigger {
	case "pull":
		return "a pull: a clue-list call was in flight"
	case "route":
		return "routing: a clue had just been routed"
	case "deliver":
		return "delivery: an alert had just been sent, maybe not yet marked"
	case "accept":
		return "delivery: a robot had accepted a message, its answer not yet back"
	}
	if len(last) == 0 {
		return "the start (nothing logged yet)"
	}
	m := last[len(last)-1]
	switch {
	case m == "alert sent":
		return "delivery, between a robot's answer and marking the alerts sent"
	case strings.HasSuffix(m, "message sent"):
		return "delivery, right after a robot's answer"
	case m == "alerts delivered" || m == "alert not delivered; it stays queued":
		return "delivery, between messages"
	case m == "clue routed":
		return "routing"
	case m == "synced" || strings.HasPrefix(m, "kuaishou") || m == "access token refreshed":
		return "a pull"
	case strings.Contains(m, "report"):
		return "the daily report"
	case m == "pull cycle done" || strings.HasPrefix(m, "gocron"):
		return "the scheduler, between jobs"
	case m == "cluebot running" || strings.Contains(m, "serving") || strings.Contains(m, "migrated") || strings.Contains(m, "seeded"):
		return "the start"
	}
	return "after " + strconv.Quote(m)
}
