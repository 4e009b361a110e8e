package followup_test

import (
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/followup"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/sqlite"
)

const rulesYAML = `
routes:
  - name: office
    active: {days: [mon-fri], from: "09:00", to: "18:00"}
    receivers: [sales]
    mention: {round_robin: [{name: 张三}, {name: 李四}]}
    followup: {within: 15m, escalate: {after: 30m, receivers: [managers]}}
  - name: plain
    receivers: [sales]
  - name: managers-only
    receivers: [sales]
    followup: {within: 15m, remind: false, escalate: {after: 1h, receivers: [managers, boss]}, business_hours: false}
`

// clock is a fake clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// env is a job over a real SQLite store, reopened by restart.
type env struct {
	t     *testing.T
	path  string
	clk   *clock
	rules *atomic.Pointer[route.Rules]
	st    *sqlite.Store
	job   *followup.Job
	zone  *time.Location
}

func newEnv(t *testing.T) *env {
	zone, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	rules, err := route.Parse("rules.yaml", []byte(rulesYAML))
	require.NoError(t, err)
	rules.Zone = zone
	e := &env{t: t, path: filepath.Join(t.TempDir(), "c.db"), clk: &clock{}, rules: &atomic.Pointer[route.Rules]{}, zone: zone}
	e.rules.Store(rules)
	e.open()
	return e
}

func (e *env) open() {
	st, err := sqlite.Open(e.t.Context(), e.path, sqlite.Options{Now: e.clk.Now})
	require.NoError(e.t, err)
	e.t.Cleanup(func() { _ = st.Close() })
	e.st = st
	e.job = followup.New(st, e.rules, slog.New(slog.DiscardHandler), e.clk.Now)
}

// restart closes the store and opens it again, with a new job.
func (e *env) restart() {
	require.NoError(e.t, e.st.Close())
	e.open()
}

func (e *env) wall(s string) time.Time {
	at, err := time.ParseInLocation(time.DateTime, s, e.zone)
	require.NoError(e.t, err)
	return at
}

// alert stores lead id, routes it to rt @ 张三 and sends its alert at at.
func (e *env) alert(id, rt string, at time.Time) {
	e.clk.Set(at.Add(-time.Minute))
	e.store(id, 0, 0, 0)
	ok, err := e.st.SaveRouting(e.t.Context(), store.Routing{ClueID: id, RoutedAt: at.Add(-time.Minute),
		Results: []store.RouteResult{{Route: rt, Assignee: "张三", Receivers: []string{"sales"}}}})
	require.NoError(e.t, err)
	require.True(e.t, ok)
	e.send(id, at)
}

// send marks the lead's pending alerts sent at at.
func (e *env) send(id string, at time.Time) {
	var ids []int64
	for _, it := range e.outbox(id, store.KindAlert) {
		ids = append(ids, it.ID)
	}
	require.NoError(e.t, e.st.MarkSent(e.t.Context(), ids, at))
}

// store upserts lead id with the given statuses at the clock's time.
func (e *env) store(id string, phone, schedule, intention int64) {
	created := e.wall("2026-10-12 08:00:00")
	_, err := e.st.UpsertClues(e.t.Context(), []store.Clue{{ID: id, AdvertiserID: 7, CreateTime: created,
		UpdateTime: e.clk.Now(), PhoneStat: phone, ScheduleID: schedule, IntentionID: intention,
		Phone: "13800138000", Raw: []byte(`{}`)}})
	require.NoError(e.t, err)
}

// run reads the account at at (a successful pull) and runs the job then.
func (e *env) run(at time.Time) followup.Stats {
	e.clk.Set(at)
	require.NoError(e.t, e.st.SaveSyncState(e.t.Context(), store.SyncState{AdvertiserID: 7, SyncedTo: at,
		LastRunAt: at, LastSuccessAt: at}))
	st, err := e.job.Run(e.t.Context())
	require.NoError(e.t, err)
	return st
}

// outbox returns the lead's rows of kind.
func (e *env) outbox(id, kind string) []store.OutboxItem {
	items, err := e.st.OutboxItems(e.t.Context(), id)
	require.NoError(e.t, err)
	var out []store.OutboxItem
	for _, it := range items {
		if it.Kind == kind {
			out = append(out, it)
		}
	}
	return out
}

func TestReminderOnceThenEscalation(t *testing.T) {
	e := newEnv(t)
	sent := e.wall("2026-10-12 10:00:00")
	e.alert("1", "office", sent)
	e.alert("2", "plain", sent)

	e.run(sent.Add(14 * time.Minute))
	require.Empty(t, e.outbox("1", store.KindReminder), "not before its time")
	st := e.run(sent.Add(15*time.Minute + time.Second))
	require.Equal(t, 1, st.Reminders)
	rem := e.outbox("1", store.KindReminder)
	require.Len(t, rem, 1)
	require.Equal(t, "sales", rem[0].Receiver)
	require.Equal(t, "张三", rem[0].Assignee)
	e.run(sent.Add(20 * time.Minute))
	require.Len(t, e.outbox("1", store.KindReminder), 1, "once")
	require.Empty(t, e.outbox("1", store.KindEscalation))

	st = e.run(sent.Add(31 * time.Minute))
	require.Equal(t, 1, st.Escalated)
	esc := e.outbox("1", store.KindEscalation)
	require.Len(t, esc, 1)
	require.Equal(t, "managers", esc[0].Receiver)
	e.restart()
	e.run(sent.Add(2 * time.Hour))
	require.Len(t, e.outbox("1", store.KindReminder), 1)
	require.Len(t, e.outbox("1", store.KindEscalation), 1)
	require.Empty(t, e.outbox("2", store.KindReminder), "a route without followup")
	fs, err := e.st.ClueFollowups(t.Context(), "2")
	require.NoError(t, err)
	require.Empty(t, fs)
}

func TestRestartBetweenAlertAndReminder(t *testing.T) {
	e := newEnv(t)
	sent := e.wall("2026-10-12 10:00:00")
	e.alert("1", "office", sent)
	e.restart() // before the timer was even scheduled
	e.run(sent.Add(time.Minute))
	e.restart()
	e.run(sent.Add(16 * time.Minute))
	e.restart()
	e.run(sent.Add(17 * time.Minute))
	require.Len(t, e.outbox("1", store.KindReminder), 1)
}

func TestFollowedUpNeverReminded(t *testing.T) {
	tests := []struct {
		name   string
		before bool // followed up before the alert went out
		work   func(e *env, id string)
	}{
		{"called", false, func(e *env, id string) { e.store(id, 101, 0, 0) }},
		{"called as the platform judged", false, func(e *env, id string) { e.store(id, 203, 0, 0) }},
		{"progress", false, func(e *env, id string) { e.store(id, 0, 1, 0) }},
		{"intention", false, func(e *env, id string) { e.store(id, 0, 0, 13) }},
		{"marked", false, func(e *env, id string) {
			require.NoError(e.t, e.st.SetMark(e.t.Context(), store.Mark{ClueID: id, Status: store.MarkContacted,
				By: "张三", At: e.clk.Now()}))
		}},
		{"called before the alert", true, func(e *env, id string) { e.store(id, 101, 0, 0) }},
		{"marked before the alert", true, func(e *env, id string) {
			require.NoError(e.t, e.st.SetMark(e.t.Context(), store.Mark{ClueID: id, Status: store.MarkContacted,
				By: "张三", At: e.clk.Now()}))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			sent := e.wall("2026-10-12 10:00:00")
			if tc.before {
				e.clk.Set(sent.Add(-2 * time.Minute))
				e.store("1", 0, 0, 0)
				_, err := e.st.SaveRouting(t.Context(), store.Routing{ClueID: "1", RoutedAt: sent.Add(-time.Minute),
					Results: []store.RouteResult{{Route: "office", Assignee: "张三", Receivers: []string{"sales"}}}})
				require.NoError(t, err)
				e.clk.Set(sent.Add(-30 * time.Second))
				tc.work(e, "1")
				e.send("1", sent)
			} else {
				e.alert("1", "office", sent)
				e.run(sent.Add(time.Minute))
				e.clk.Set(sent.Add(5 * time.Minute))
				tc.work(e, "1")
			}
			st := e.run(sent.Add(16 * time.Minute))
			require.Equal(t, 0, st.Reminders)
			e.run(sent.Add(time.Hour))
			require.Empty(t, e.outbox("1", store.KindReminder))
			require.Empty(t, e.outbox("1", store.KindEscalation))
			fs, err := e.st.ClueFollowups(t.Context(), "1")
			require.NoError(t, err)
			require.Len(t, fs, 1)
			require.False(t, fs[0].DoneAt.IsZero())
		})
	}
}

func TestNotWorkedStaysOpen(t *testing.T) {
	e := newEnv(t)
	sent := e.wall("2026-10-12 10:00:00")
	e.alert("1", "office", sent)
	e.clk.Set(sent.Add(time.Minute))
	e.store("1", 1, 0, 10) // 待联系, 清洗中: nobody called yet
	require.Equal(t, 1, e.run(sent.Add(16*time.Minute)).Reminders)
}

func TestBusinessHoursNextMorning(t *testing.T) {
	e := newEnv(t)
	sent := e.wall("2026-10-12 17:55:00") // a Monday; the route closes at 18:00
	e.alert("1", "office", sent)
	e.run(e.wall("2026-10-12 18:20:00"))
	e.run(e.wall("2026-10-13 09:09:00"))
	require.Empty(t, e.outbox("1", store.KindReminder), "not at night")
	e.run(e.wall("2026-10-13 09:10:01"))
	require.Len(t, e.outbox("1", store.KindReminder), 1)
	e.run(e.wall("2026-10-13 09:24:00"))
	require.Empty(t, e.outbox("1", store.KindEscalation))
	e.run(e.wall("2026-10-13 09:25:01"))
	require.Len(t, e.outbox("1", store.KindEscalation), 1)
}

func TestWaitsForAFreshRead(t *testing.T) {
	e := newEnv(t)
	sent := e.wall("2026-10-12 10:00:00")
	e.alert("1", "office", sent)
	e.run(sent.Add(10 * time.Minute)) // last read before the due time
	e.clk.Set(sent.Add(20 * time.Minute))
	_, err := e.job.Run(t.Context())
	require.NoError(t, err)
	require.Empty(t, e.outbox("1", store.KindReminder), "the account was not re-read since the reminder came due")
	require.Equal(t, 1, e.run(sent.Add(21*time.Minute)).Reminders)
}

func TestEscalationWithoutReminder(t *testing.T) {
	e := newEnv(t)
	sent := e.wall("2026-10-12 20:00:00")
	e.alert("1", "managers-only", sent)
	require.Zero(t, e.run(sent.Add(59*time.Minute)).Escalated)
	st := e.run(sent.Add(61 * time.Minute))
	require.Equal(t, 1, st.Escalated)
	require.Empty(t, e.outbox("1", store.KindReminder), "remind: false")
	var to []string
	for _, it := range e.outbox("1", store.KindEscalation) {
		to = append(to, it.Receiver)
	}
	require.ElementsMatch(t, []string{"managers", "boss"}, to, "one row per escalate receiver")
}

// TestEscalationsDueTogetherGoOutTogether: escalations to one receiver that
// come due within one hold window (a minute, aligned on the clock) are due
// together in the outbox, so one delivery pass claims them all and sends
// one escalation listing them; one due in the next window waits for that.
// Each lead keeps its own row, fired once, across a restart too.
func TestEscalationsDueTogetherGoOutTogether(t *testing.T) {
	e := newEnv(t)
	base := e.wall("2026-10-12 10:00:00")
	offsets := map[string]time.Duration{"1": 5 * time.Second, "2": 20 * time.Second, "3": 50 * time.Second,
		"4": 70 * time.Second}
	for _, id := range []string{"1", "2", "3", "4"} {
		e.alert(id, "office", base.Add(offsets[id]))
	}
	e.run(base.Add(2 * time.Minute)) // schedules the timers
	for _, id := range []string{"1", "2", "3", "4"} {
		e.run(base.Add(30*time.Minute + offsets[id] + time.Second)) // its reminder and escalation come due
	}
	e.restart()
	e.run(base.Add(31*time.Minute + 30*time.Second))

	window := base.Add(31 * time.Minute)
	for id, want := range map[string]time.Time{"1": window, "2": window, "3": window, "4": window.Add(time.Minute)} {
		esc := e.outbox(id, store.KindEscalation)
		require.Len(t, esc, 1, "one escalation row for lead %s", id)
		require.True(t, esc[0].NextAt.Equal(want), "lead %s due %s, want %s", id, esc[0].NextAt, want)
		require.True(t, esc[0].CreatedAt.Before(want), "created when it fired")
	}

	claim := func(at time.Time) []store.OutboxItem {
		items, err := e.st.ClaimOutbox(t.Context(), store.Claim{Receiver: "managers", Owner: "t", Now: at,
			Lease: time.Minute, Limit: 20})
		require.NoError(t, err)
		return items
	}
	require.Empty(t, claim(window.Add(-time.Second)), "held until the window ends")
	got := claim(window)
	require.Len(t, got, 3, "the three due in one window are claimed as one message")
	require.ElementsMatch(t, []string{"1", "2", "3"}, []string{got[0].ClueID, got[1].ClueID, got[2].ClueID})
}
