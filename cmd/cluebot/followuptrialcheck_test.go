package main

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// TestFollowupTrial is issue 17's trial, as a new user would see it: 60
// leads alerted to one Feishu group, @ two people in turn; the sales call
// half of them (phone_stat 101 at the vendor) as soon as the alert is in
// the group. Each of the other 30 gets exactly one reminder in the group,
// @ its assignee, no sooner than `within` after its alert, and exactly one
// escalation to the managers, no sooner than `escalate.after`; the 30 called
// get neither; /metrics counts the 30 overdue; and the day's report has the
// 跟进 sheet with those numbers.
func TestFollowupTrial(t *testing.T) { followupTrial(t, false) }

// TestFollowupTrialCrash is the same trial with the daemon killed (SIGKILL)
// after every alert went out and before any reminder did, and restarted:
// still exactly one reminder and one escalation for each lead not called.
func TestFollowupTrialCrash(t *testing.T) { followupTrial(t, true) }

func followupTrial(t *testing.T, crash bool) {
	if testing.Short() {
		t.Skip("follow-up trial: half a minute of real processes")
	}
	t.Parallel()
	r := newFuRig(t)
	r.startDaemon()
	r.waitFor("every lead alerted", 45*time.Second, func() bool { return r.watch() == fuLeads })
	t.Logf("%s: all %d leads alerted", r.since(), fuLeads)
	if crash {
		rem, esc := r.followups()
		require.Empty(t, rem, "the kill comes before the first reminder")
		require.Empty(t, esc)
		r.kill()
		t.Logf("%s: killed with SIGKILL, restarted", r.since())
		r.startDaemon()
	}
	r.waitFor("a reminder and an escalation for every lead not called", 60*time.Second, func() bool {
		rem, esc := r.followups()
		for _, l := range r.leads {
			if !l.called && (rem[l.tag] == 0 || esc[l.tag] == 0) {
				return false
			}
		}
		return true
	})
	t.Logf("%s: every reminder and escalation in", r.since())
	if !crash {
		// A call is noticed at the next poll, not when the reminder comes
		// due. (With the crash, the restart itself takes seconds of the 8
		// s: the timing is checked without it.)
		for _, l := range r.leads {
			if l.called {
				seen, ok := r.doneSeen[l.tag]
				require.True(t, ok, "客户%s号's timer ended", l.tag)
				require.Less(t, seen.Sub(l.alert), fuWithin, "客户%s号's call noticed before its reminder time", l.tag)
			}
		}
	}
	require.Equal(t, "30", r.metric(t, "cluebot_followup_overdue"), "the overdue gauge")
	time.Sleep(3 * time.Second) // three more polls: nothing else may go out
	r.stopDaemon()

	assignee := r.assignees(t)
	r.checkMessages(t, assignee)
	r.checkReport(t, assignee)
	t.Logf("took %s", r.since())
}

// assignees reads, from the store, whom each lead's alert assigned it to,
// by tag.
func (r *fuRig) assignees(t *testing.T) map[string]string {
	t.Helper()
	db, err := openReadOnly(filepath.Join(r.dir, "data", "cluebot.db"))
	require.NoError(t, err)
	defer db.Close()
	byID := map[string]string{}
	for _, l := range r.leads {
		byID[l.id] = l.tag
	}
	out := map[string]string{}
	rows, err := db.Query(`SELECT clue_id, assignee FROM outbox WHERE kind = 'alert' AND state = 'sent'`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var id, who string
		require.NoError(t, rows.Scan(&id, &who))
		out[byID[id]] = who
	}
	require.NoError(t, rows.Err())
	require.Len(t, out, fuLeads, "one sent alert per lead")
	kinds := map[string]int{}
	krows, err := db.Query(`SELECT kind || ' ' || receiver || ' ' || state, COUNT(*) FROM outbox GROUP BY 1`)
	require.NoError(t, err)
	defer krows.Close()
	for krows.Next() {
		var k string
		var n int
		require.NoError(t, krows.Scan(&k, &n))
		kinds[k] = n
	}
	require.NoError(t, krows.Err())
	require.Equal(t, map[string]int{"alert sales sent": 60, "reminder sales sent": 30, "escalation managers sent": 30}, kinds,
		"the outbox: the reminders and escalations are rows of their own kind")

	// A call is noticed at the next poll, not when the reminder comes due:
	// the timers of the called leads end well within `within`.
	frows, err := db.Query(`SELECT clue_id, sent_at, done_at FROM followups`)
	require.NoError(t, err)
	defer frows.Close()
	timers := 0
	for frows.Next() {
		var id string
		var sent, done int64 // Unix milliseconds
		require.NoError(t, frows.Scan(&id, &sent, &done))
		timers++
		l := r.byTag[byID[id]]
		require.NotNil(t, l)
		if !l.called {
			require.Zero(t, done, "客户%s号 was never followed up", l.tag)
			continue
		}
		require.NotZero(t, done, "客户%s号 was called", l.tag)
		require.Less(t, time.Duration(done-sent)*time.Millisecond, fuWithin, "客户%s号's call noticed before its reminder time", l.tag)
	}
	require.NoError(t, frows.Err())
	require.Equal(t, fuLeads, timers, "one timer per lead")
	return out
}

// checkMessages checks each lead's reminders and escalations: one each for
// a lead not called, none for one called, the reminder @ the assignee and
// no sooner than within after the alert, the escalation naming the assignee
// and no sooner than escalate.after.
func (r *fuRig) checkMessages(t *testing.T, assignee map[string]string) {
	t.Helper()
	rem, esc := r.followups()
	perPerson := map[string]int{}
	for _, l := range r.leads {
		want := 1
		if l.called {
			want = 0
			r.mu.Lock()
			worked := l.worked
			r.mu.Unlock()
			require.False(t, worked.IsZero(), "客户%s号 was called", l.tag)
		}
		require.Equal(t, want, rem[l.tag], "reminders of 客户%s号 (called: %v)", l.tag, l.called)
		require.Equal(t, want, esc[l.tag], "escalations of 客户%s号 (called: %v)", l.tag, l.called)
		perPerson[assignee[l.tag]]++
	}
	require.Equal(t, map[string]int{"张三": 30, "李四": 30}, perPerson, "the two take turns")
	for _, m := range r.rb.Messages(fuSalesHook) {
		if !isFollowup(m) {
			continue
		}
		tg := tags(m)
		require.Len(t, tg, 1, "a reminder is of one lead")
		who := assignee[tg[0]]
		require.Contains(t, string(m.Raw), "<at id="+fuPeople[who]+">", "the reminder of 客户%s号 @'s %s", tg[0], who)
		require.GreaterOrEqual(t, m.Time.Sub(r.byTag[tg[0]].alert), fuWithin, "reminder of 客户%s号", tg[0])
	}
	mgr := r.rb.Messages(fuMgrHook)
	t.Logf("the 30 escalations reached the managers in %d messages", len(mgr))
	require.LessOrEqual(t, len(mgr), 10, "escalations due together go out together, grouped per assignee")
	for _, m := range mgr {
		require.True(t, isFollowup(m), "the managers get escalations only")
		for _, tag := range tags(m) {
			require.Contains(t, string(m.Raw), assignee[tag], "the escalation names the assignee of 客户%s号", tag)
			require.GreaterOrEqual(t, m.Time.Sub(r.byTag[tag].alert), fuEscalate, "escalation of 客户%s号", tag)
		}
	}
}

// checkReport writes today's report with `cluebot report` and reads its 跟进
// sheet back: per assignee, the leads assigned, those followed up in time
// (the called ones), the share, a median in minutes under within, and the
// leads still open (the others).
func (r *fuRig) checkReport(t *testing.T, assignee map[string]string) {
	t.Helper()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	day := time.Now().In(shanghai).Format(time.DateOnly)
	out := filepath.Join(r.dir, "trial.xlsx")
	code, _, errs := runChild(t, r.dir, r.env, withConfig(r.cfgPath, "report", "--date", day, "--out", out))
	require.Equal(t, 0, code, errs)
	f, err := excelize.OpenFile(out)
	require.NoError(t, err)
	defer f.Close()
	rows, err := f.GetRows("跟进", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(rows), 3, "a header and a row per assignee")
	require.Equal(t, []string{"负责人", "路由", "分配", "按时跟进", "按时率", "跟进中位分钟", "未跟进"}, rows[0][:7])
	type want struct{ assigned, onTime, open int }
	exp := map[string]*want{}
	for _, l := range r.leads {
		w := exp[assignee[l.tag]]
		if w == nil {
			w = &want{}
			exp[assignee[l.tag]] = w
		}
		w.assigned++
		if l.called {
			w.onTime++
		} else {
			w.open++
		}
	}
	got := map[string]*want{}
	for _, row := range rows[1:] {
		require.GreaterOrEqual(t, len(row), 7, "row %v", row)
		require.Equal(t, "销售", row[1])
		w := &want{assigned: atoi(t, row[2]), onTime: atoi(t, row[3]), open: atoi(t, row[6])}
		got[row[0]] = w
		share, err := strconv.ParseFloat(row[4], 64)
		require.NoError(t, err)
		require.InDelta(t, float64(w.onTime)/float64(w.assigned), share, 1e-9, "按时率 of %s", row[0])
		median, err := strconv.ParseFloat(row[5], 64)
		require.NoError(t, err)
		require.Greater(t, median, 0.0, "跟进中位分钟 of %s", row[0])
		require.Less(t, median, fuWithin.Minutes(), "跟进中位分钟 of %s: the called ones were called within seconds", row[0])
		t.Logf("跟进: %s %s: %s assigned, %s on time (%s), median %.2f min, %s open", row[0], row[1], row[2], row[3], row[4], median, row[6])
	}
	require.Equal(t, exp, got, "the 跟进 sheet per assignee")
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err, "%q is not a count", s)
	return n
}

// metric reads one unlabelled metric's value from the daemon's /metrics.
func (r *fuRig) metric(t *testing.T, name string) string {
	t.Helper()
	r.mu.Lock()
	addr := r.stderr.metricsAddr()
	r.mu.Unlock()
	require.NotEmpty(t, addr, "the daemon said where it serves /metrics")
	resp, err := http.Get("http://" + addr + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindStringSubmatch(string(body))
	require.NotNil(t, m, "%s not in /metrics", name)
	return m[1]
}
