package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// followupTests pin down the follow-up timers: started by MarkSent once per
// (clue, route) of an alert, scheduled, fired once per kind, finished.
func followupTests() []struct {
	name string
	fn   func(t *testing.T, s store.Store, clk *clock)
} {
	return []struct {
		name string
		fn   func(t *testing.T, s store.Store, clk *clock)
	}{
		{"follow-up timers", testFollowupTimers},
		{"follow-up done and unscheduled", testFollowupDone},
		{"follow-up open leads", testFollowupOpenLeads},
		{"follow-up overdue for a week", testFollowupOverdueFor},
		{"follow-up changed and open", testChangedOpenFollowups},
		{"follow-up done drops queued reminders", testFollowupDoneDropsQueued},
	}
}

// sendAlert routes clue id to route r's receivers with assignee who and
// marks every alert sent at at.
func sendAlert(t *testing.T, s store.Store, id, r, who string, at time.Time, receivers ...string) {
	t.Helper()
	routeClue(t, s, id, at, store.RouteResult{Route: r, Assignee: who, Receivers: receivers})
	require.NoError(t, s.MarkSent(t.Context(), itemIDs(outboxOf(t, s, id)), at))
}

func utc(fs []store.Followup) []store.Followup {
	for i := range fs {
		for _, p := range []*time.Time{&fs[i].SentAt, &fs[i].RemindDue, &fs[i].EscalateDue, &fs[i].DoneAt} {
			if !p.IsZero() {
				*p = p.UTC()
			}
		}
	}
	return fs
}

func testFollowupTimers(t *testing.T, s store.Store, clk *clock) {
	ctx := t.Context()
	sent := clk.Now().UTC()
	id := clueID(1)
	sendAlert(t, s, id, "hot", "张三", sent, "sales", "sales2")

	un, err := s.UnscheduledFollowups(ctx, 10)
	require.NoError(t, err)
	require.Equal(t, []store.Followup{{ClueID: id, AdvertiserID: 1, Route: "hot", Assignee: "张三", SentAt: sent}}, utc(un))
	// A later MarkSent of the same route (a retry, another receiver) starts nothing new.
	require.NoError(t, s.MarkSent(ctx, itemIDs(outboxOf(t, s, id)), sent.Add(time.Minute)))
	un, err = s.UnscheduledFollowups(ctx, 10)
	require.NoError(t, err)
	require.Len(t, un, 1)
	require.Equal(t, sent, un[0].SentAt.UTC())

	remind, escalate := sent.Add(15*time.Minute), sent.Add(30*time.Minute)
	require.NoError(t, s.ScheduleFollowup(ctx, id, "hot", remind, escalate, time.Time{}))
	read := func(at time.Time) {
		t.Helper()
		require.NoError(t, s.SaveSyncState(ctx, store.SyncState{AdvertiserID: 1, SyncedTo: at, LastRunAt: at, LastSuccessAt: at}))
	}
	read(remind)
	fs, err := s.DueFollowups(ctx, remind.Add(time.Minute), 10)
	require.NoError(t, err)
	require.Empty(t, fs, "the account was not read after the reminder came due")
	read(escalate.Add(24 * time.Hour))
	un, err = s.UnscheduledFollowups(ctx, 10)
	require.NoError(t, err)
	require.Empty(t, un)

	due := func(at time.Time) []store.Followup {
		t.Helper()
		fs, err := s.DueFollowups(ctx, at, 10)
		require.NoError(t, err)
		return utc(fs)
	}
	hot := func(id int64) bool {
		t.Helper()
		ok, err := s.HasOpenFollowups(ctx, id)
		require.NoError(t, err)
		return ok
	}
	require.True(t, hot(1), "account 1 has an open follow-up")
	require.False(t, hot(2))
	require.Empty(t, due(remind.Add(-time.Millisecond)), "not due before its time")
	fs = due(remind)
	require.Len(t, fs, 1)
	require.Equal(t, store.KindReminder, fs[0].Kind())
	require.Equal(t, remind, fs[0].Due())
	st, err := s.FollowupStats(ctx, remind)
	require.NoError(t, err)
	require.Equal(t, store.FollowupStats{Open: 1, Overdue: 1}, st)

	fire := store.FollowupSend{ClueID: id, Route: "hot", Kind: store.KindReminder, Assignee: "张三",
		Receivers: []string{"sales", "sales2"}, At: remind}
	ok, err := s.FireFollowup(ctx, fire)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = s.FireFollowup(ctx, fire)
	require.NoError(t, err)
	require.False(t, ok, "a reminder fires once")
	rows := outboxOf(t, s, id)
	require.Len(t, rows, 4, "two alerts and two reminders beside them")
	for _, r := range rows[2:] {
		require.Equal(t, store.KindReminder, r.Kind)
		require.Equal(t, store.OutboxPending, r.State)
		require.Equal(t, "张三", r.Assignee)
		require.Equal(t, remind, r.NextAt)
	}
	require.Empty(t, due(escalate.Add(-time.Millisecond)))
	fs = due(escalate)
	require.Len(t, fs, 1)
	require.Equal(t, store.KindEscalation, fs[0].Kind())

	ok, err = s.FireFollowup(ctx, store.FollowupSend{ClueID: id, Route: "hot", Kind: store.KindEscalation,
		Assignee: "张三", Receivers: []string{"managers"}, At: escalate})
	require.NoError(t, err)
	require.True(t, ok)
	require.Empty(t, due(escalate.Add(time.Hour)), "nothing left to fire")
	require.False(t, hot(1), "nothing left to fire: the account is not hot for it")
	require.Len(t, outboxOf(t, s, id), 5)

	_, err = s.FireFollowup(ctx, store.FollowupSend{ClueID: id, Route: "hot", Kind: store.KindAlert})
	require.Error(t, err)
}

func testFollowupDone(t *testing.T, s store.Store, clk *clock) {
	ctx := t.Context()
	sent := clk.Now().UTC()
	a, b, c := clueID(1), clueID(2), clueID(3)
	sendAlert(t, s, a, "hot", "", sent, "sales")
	sendAlert(t, s, b, "hot", "", sent, "sales")
	sendAlert(t, s, c, "plain", "", sent, "sales")
	remind := sent.Add(15 * time.Minute)

	// a route without a followup: the timer goes.
	require.NoError(t, s.ScheduleFollowup(ctx, c, "plain", time.Time{}, time.Time{}, time.Time{}))
	fs, err := s.ClueFollowups(ctx, c)
	require.NoError(t, err)
	require.Empty(t, fs)

	// followed up before its alert went out: scheduled done, never due.
	require.NoError(t, s.ScheduleFollowup(ctx, a, "hot", remind, time.Time{}, sent))
	// followed up after: finished at once.
	require.NoError(t, s.ScheduleFollowup(ctx, b, "hot", remind, time.Time{}, time.Time{}))
	n, err := s.FinishFollowups(ctx, b, sent.Add(time.Minute))
	require.NoError(t, err)
	require.Equal(t, 1, n)
	n, err = s.FinishFollowups(ctx, b, sent.Add(2*time.Minute))
	require.NoError(t, err)
	require.Equal(t, 0, n, "done once")

	// marked in cluebot: SetMark finishes the timers at the mark's time.
	d := clueID(4)
	sendAlert(t, s, d, "hot", "", sent, "sales")
	require.NoError(t, s.ScheduleFollowup(ctx, d, "hot", remind, time.Time{}, time.Time{}))
	require.NoError(t, s.SetMark(ctx, store.Mark{ClueID: d, Status: store.MarkContacted, By: "张三", At: sent.Add(3 * time.Minute)}))
	fs, err = s.ClueFollowups(ctx, d)
	require.NoError(t, err)
	require.Equal(t, sent.Add(3*time.Minute), utc(fs)[0].DoneAt)

	due, err := s.DueFollowups(ctx, remind.Add(time.Hour), 10)
	require.NoError(t, err)
	require.Empty(t, due)
	ok, err := s.FireFollowup(ctx, store.FollowupSend{ClueID: b, Route: "hot", Kind: store.KindReminder,
		Receivers: []string{"sales"}, At: remind})
	require.NoError(t, err)
	require.False(t, ok, "no reminder for a lead followed up")
	require.Len(t, outboxOf(t, s, b), 1)

	fs, err = s.ClueFollowups(ctx, b)
	require.NoError(t, err)
	require.Len(t, fs, 1)
	require.Equal(t, sent.Add(time.Minute), utc(fs)[0].DoneAt)
	require.True(t, fs[0].Scheduled)
	st, err := s.FollowupStats(ctx, remind.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, store.FollowupStats{}, st)
}

// testFollowupDoneDropsQueued: a reminder or escalation queued but not yet
// sent (held by pacing or the escalations' hold window) is dropped when its
// lead is followed up, whether the vendor shows it worked or someone marks
// it; the lead's alerts and what was already sent stay.
func testFollowupDoneDropsQueued(t *testing.T, s store.Store, clk *clock) {
	ctx := t.Context()
	sent := clk.Now().UTC()
	remind, escalate := sent.Add(15*time.Minute), sent.Add(30*time.Minute)
	queue := func(id string, kind string, at time.Time, receivers ...string) {
		t.Helper()
		ok, err := s.FireFollowup(ctx, store.FollowupSend{ClueID: id, Route: "hot", Kind: kind,
			Assignee: "张三", Receivers: receivers, At: at})
		require.NoError(t, err)
		require.True(t, ok)
	}
	kinds := func(id string) map[string]string {
		t.Helper()
		got := map[string]string{}
		for _, r := range outboxOf(t, s, id) {
			got[r.Kind+" "+r.Receiver] = r.State
		}
		return got
	}
	for i, finish := range []func(id string, at time.Time){
		func(id string, at time.Time) {
			_, err := s.FinishFollowups(ctx, id, at)
			require.NoError(t, err)
		},
		func(id string, at time.Time) {
			require.NoError(t, s.SetMark(ctx, store.Mark{ClueID: id, Status: store.MarkContacted, By: "李四", At: at}))
		},
	} {
		id := clueID(10 + i)
		sendAlert(t, s, id, "hot", "张三", sent, "sales")
		require.NoError(t, s.ScheduleFollowup(ctx, id, "hot", remind, escalate, time.Time{}))
		queue(id, store.KindReminder, remind, "sales")
		require.NoError(t, s.MarkSent(ctx, itemIDs(outboxOf(t, s, id))[1:], remind))
		queue(id, store.KindEscalation, escalate, "managers")
		require.Equal(t, map[string]string{"alert sales": store.OutboxSent, "reminder sales": store.OutboxSent,
			"escalation managers": store.OutboxPending}, kinds(id))

		finish(id, escalate.Add(-time.Second))
		require.Equal(t, map[string]string{"alert sales": store.OutboxSent, "reminder sales": store.OutboxSent},
			kinds(id), "case %d: the queued escalation is dropped, the rest stays", i)
		c, err := s.ClaimOutbox(ctx, store.Claim{Receiver: "managers", Owner: "t", Lease: time.Minute,
			Now: escalate.Add(time.Hour), Limit: 10})
		require.NoError(t, err)
		require.Empty(t, c, "case %d: nothing left to send the managers", i)
	}
}
