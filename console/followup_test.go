package console

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// TestAPIFollowupState: a lead's followup.state follows its timers: open
// before its reminder time, overdue after, done once followed up. Every
// state carries the contract's keys, "by" and "at" (null until known).
func TestAPIFollowupState(t *testing.T) { onEachStore(t, testAPIFollowupState) }

func testAPIFollowupState(t *testing.T, backend string) {
	e := newEnvOn(t, backend, "")
	e.seed()
	admin := e.signIn("admin", adminPass)
	state := func() followupView {
		t.Helper()
		code, body := admin.json("GET", "/api/leads/"+idPlain, nil)
		require.Equal(t, http.StatusOK, code, body)
		var keys struct {
			Followup map[string]any `json:"followup"`
		}
		decode(t, body, &keys)
		require.Contains(t, keys.Followup, "by", body)
		require.Contains(t, keys.Followup, "at", body)
		var l leadView
		decode(t, body, &l)
		return l.Followup
	}
	require.Equal(t, "none", state().State, "alert sent, timer not scheduled yet")

	ctx := context.Background()
	remind := now.Add(10 * time.Minute)
	require.NoError(t, e.st.ScheduleFollowup(ctx, idPlain, "henan", remind, remind.Add(15*time.Minute), time.Time{}))
	require.Equal(t, "open", state().State)
	e.clock.Advance(10 * time.Minute)
	require.Equal(t, "overdue", state().State)
	_, err := e.st.FinishFollowups(ctx, idPlain, e.clock.Now())
	require.NoError(t, err)
	f := state()
	require.Equal(t, "done", f.State)
	require.NotNil(t, f.At)
	require.True(t, f.At.Equal(e.clock.Now()))
}

// TestOverviewOverdue: the overview counts the overdue follow-ups as the
// gauge does: none before the reminder time, one after, none once done.
func TestOverviewOverdue(t *testing.T) {
	e := newEnv(t, "")
	e.seed()
	admin := e.pageClient("admin", adminPass)
	ctx := context.Background()
	remind := now.Add(10 * time.Minute)
	require.NoError(t, e.st.ScheduleFollowup(ctx, idPlain, "henan", remind, remind.Add(15*time.Minute), time.Time{}))
	_, body := admin.get("/")
	require.Contains(t, body, `<div class="card"><span class="num">0</span>逾期未跟进</div>`)
	e.clock.Advance(10 * time.Minute)
	_, body = admin.get("/")
	require.Contains(t, body, `<div class="card bad"><span class="num">1</span>逾期未跟进</div>`)
	_, err := e.st.FinishFollowups(ctx, idPlain, e.clock.Now())
	require.NoError(t, err)
	_, body = admin.get("/")
	require.Contains(t, body, `<span class="num">0</span>逾期未跟进`)
}

// TestLeadPageFollowupState: the lead's page and the leads list say where
// its follow-up stands: waiting, overdue, followed up at the vendor (by
// nobody in cluebot), or marked by someone.
func TestLeadPageFollowupState(t *testing.T) {
	e := newEnv(t, "")
	e.seed()
	admin := e.pageClient("admin", adminPass)
	ctx := context.Background()
	page := func() (lead, list string) {
		t.Helper()
		_, lead = admin.get("/leads/" + idPlain)
		_, list = admin.get("/leads?q=" + idPlain)
		return lead, list
	}
	lead, _ := page()
	require.Contains(t, lead, "<p>未标记</p>", "no route asks for a follow-up")

	remind := now.Add(10 * time.Minute)
	require.NoError(t, e.st.ScheduleFollowup(ctx, idPlain, "henan", remind, remind.Add(15*time.Minute), time.Time{}))
	lead, list := page()
	require.Contains(t, lead, "<p>待跟进</p>")
	require.Contains(t, list, "<td>待跟进</td>")
	e.clock.Advance(10 * time.Minute)
	lead, list = page()
	require.Contains(t, lead, "<p>逾期未跟进</p>")
	require.Contains(t, list, "<td>逾期未跟进</td>")
	_, err := e.st.FinishFollowups(ctx, idPlain, e.clock.Now())
	require.NoError(t, err)
	lead, list = page()
	require.Contains(t, lead, "<p>已跟进（快手） · ")
	require.Contains(t, list, "<td>已跟进（快手）</td>")
	require.NoError(t, e.st.SetMark(ctx, store.Mark{ClueID: idPlain, Status: store.MarkInvalid, By: "李四", At: e.clock.Now()}))
	lead, list = page()
	require.Contains(t, lead, "<p>无效 · 李四 · ")
	require.Contains(t, list, "<td>无效 · 李四</td>")
}
