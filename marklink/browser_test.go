package marklink_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/console"
	"github.com/cluebot/cluebot/console/browsertest"
	"github.com/cluebot/cluebot/marklink"
	"github.com/cluebot/cluebot/store"
)

// otherID is a second lead, left open, that forged, expired and
// cross-site attempts aim at.
const otherID = "7301234567890123999"

// openFollowup routes the lead id to "hot" (assignee 张三), sends its alert
// now and schedules its reminder and escalation, as the follow-up job does.
func openFollowup(t *testing.T, f *fixture, id string) {
	t.Helper()
	ctx := t.Context()
	if id != clueID {
		_, err := f.st.UpsertClues(ctx, []store.Clue{{ID: id, AdvertiserID: 1, CreateTime: f.clk.Now(),
			UpdateTime: f.clk.Now(), UserName: "赵六", Phone: "13900001111", PageName: "郑州装修"}})
		require.NoError(t, err)
	}
	saved, err := f.st.SaveRouting(ctx, store.Routing{ClueID: id, RoutedAt: f.clk.Now(),
		Results: []store.RouteResult{{Route: "hot", Assignee: "张三", Receivers: []string{"sales"}}}})
	require.NoError(t, err)
	require.True(t, saved)
	items, err := f.st.OutboxItems(ctx, id)
	require.NoError(t, err)
	require.Len(t, items, 1)
	require.NoError(t, f.st.MarkSent(ctx, []int64{items[0].ID}, f.clk.Now()))
	require.NoError(t, f.st.ScheduleFollowup(ctx, id, "hot", f.clk.Now().Add(15*time.Minute),
		f.clk.Now().Add(30*time.Minute), time.Time{}))
}

// state is what a visit to a link may change: the lead's mark, its
// follow-up timers, the audit log.
type state struct {
	mark      store.Mark
	marked    bool
	followups []store.Followup
	audit     int
}

func (f *fixture) state(t *testing.T, id string) state {
	t.Helper()
	var s state
	marks, err := f.st.Marks(t.Context(), []string{id})
	require.NoError(t, err)
	s.mark, s.marked = marks[id]
	s.followups, err = f.st.ClueFollowups(t.Context(), id)
	require.NoError(t, err)
	audit, err := f.st.Audit(t.Context(), 100, 0)
	require.NoError(t, err)
	s.audit = len(audit)
	return s
}

// bodyText waits until the page's text contains want and returns it.
func bodyText(t *testing.T, tab context.Context, want string) string {
	t.Helper()
	var text string
	require.Eventually(t, func() bool {
		v, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		text = v
		return err == nil && strings.Contains(v, want)
	}, 10*time.Second, 50*time.Millisecond, "page text %q never showed %q", text, want)
	return text
}

// TestMarkLinkBrowser opens a lead's mark link in headless Chromium, served
// by the real handler over a real SQLite store with a fake clock: the page
// shows the masked summary, the GET marks nothing, picking a name from the
// round-robin list and clicking 已联系 records who and when and ends the
// lead's follow-up timers; a second visit shows it done and changes
// nothing; a forged link, an expired link and a form posted from another
// site get an error page and change nothing.
func TestMarkLinkBrowser(t *testing.T) {
	tab, dialogs := browsertest.Start(t)
	f := newFixture(t)
	openFollowup(t, f, clueID)
	openFollowup(t, f, otherID)
	ctx := t.Context()
	u := f.signer.URL(clueID)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }

	// The page: masked summary, the round-robin names, nothing changed.
	before := f.state(t, clueID)
	require.False(t, before.marked)
	require.Len(t, before.followups, 1)
	require.True(t, before.followups[0].DoneAt.IsZero(), "the follow-up is open")
	res := browsertest.Get(t, tab, chromedp.NavigateResponse(u))
	require.EqualValues(t, http.StatusOK, res.Status)
	require.NoError(t, chromedp.Do(tab, chromedp.WaitVisible(css(`button[value=contacted]`))))
	require.Equal(t, "138****5678", browsertest.Get(t, tab, chromedp.Text(css(`dl dd:nth-of-type(2)`))))
	html := browsertest.Get(t, tab, chromedp.OuterHTML(css(`html`)))
	require.NotContains(t, html, "13812345678", "the full phone is nowhere in the page")
	require.NotContains(t, html, "12345678")
	require.Equal(t, "王<b>五</b>", browsertest.Get(t, tab, chromedp.Text(css(`dl dd:nth-of-type(1)`))),
		"the lead's name shows as text")
	require.Zero(t, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("dd b").length`)))
	names := browsertest.Get(t, tab, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("select[name=who] option"), o => o.value)`))
	require.Equal(t, []string{"张三", "李四"}, names, "the round-robin list")
	require.Equal(t, before, f.state(t, clueID), "opening the page (a chat app's preview too) changes nothing")

	// The page carries the console's security headers.
	want := httptest.NewRecorder()
	console.Headers(http.NotFoundHandler()).ServeHTTP(want, httptest.NewRequest(http.MethodGet, "/", nil))
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
		"Referrer-Policy", "Cache-Control"} {
		require.Equal(t, want.Header().Get(h), fmt.Sprint(res.Headers[h]), h)
	}

	// Pick 李四, click 已联系 three minutes later.
	f.clk.Advance(3 * time.Minute)
	at := f.clk.Now()
	require.NoError(t, chromedp.Do(tab,
		chromedp.SetValue(css(`select[name=who]`), "李四"),
		chromedp.Click(css(`button[value=contacted]`)),
		chromedp.WaitVisible(css(`#done`)),
	))
	require.Contains(t, browsertest.Get(t, tab, chromedp.Text(css(`#mark`))), "已联系 · 李四 · 03-02 10:03")
	after := f.state(t, clueID)
	require.True(t, after.marked)
	require.Equal(t, store.Mark{ClueID: clueID, Status: store.MarkContacted, By: "李四", At: at}, after.mark)
	require.Len(t, after.followups, 1)
	require.Equal(t, at, after.followups[0].DoneAt.UTC(), "the follow-up is closed when the mark was made")
	require.Equal(t, before.audit+1, after.audit, "the mark is audited")
	// Its timers are cancelled: nothing comes due, even with the account re-read after both due times.
	late := at.Add(time.Hour)
	require.NoError(t, f.st.SaveSyncState(ctx, store.SyncState{AdvertiserID: 1, SyncedTo: late,
		LastRunAt: late, LastSuccessAt: late}))
	due, err := f.st.DueFollowups(ctx, late, 10)
	require.NoError(t, err)
	require.Len(t, due, 1, "only the other lead's reminder is due")
	require.Equal(t, otherID, due[0].ClueID)
	has, err := f.st.HasOpenFollowups(ctx, 1)
	require.NoError(t, err)
	require.True(t, has, "the other lead is still open")

	// A second visit shows it done and changes nothing.
	f.clk.Advance(time.Minute)
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(u), chromedp.WaitVisible(css(`#mark`))))
	require.Contains(t, browsertest.Get(t, tab, chromedp.Text(css(`#mark`))), "已联系 · 李四")
	require.Zero(t, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("#done").length`)))
	require.Equal(t, after, f.state(t, clueID))

	// Forged links: the signature tampered, or the lead id swapped for the
	// other lead's under the first lead's signature.
	other := f.signer.URL(otherID)
	open := f.state(t, otherID)
	require.False(t, open.marked)
	tok := strings.TrimPrefix(u, f.srv.URL+"/m/")
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	require.NoError(t, err)
	sig := append([]byte(nil), raw...)
	sig[6] ^= 0x40
	swapped := append(append([]byte(nil), raw[:4+16]...), otherID...)
	forged := map[string]string{
		"tampered signature": f.srv.URL + "/m/" + base64.RawURLEncoding.EncodeToString(sig),
		"other lead's id":    f.srv.URL + "/m/" + base64.RawURLEncoding.EncodeToString(swapped),
		"garbage":            f.srv.URL + "/m/AAAAAAAA",
	}
	for name, link := range forged {
		res := browsertest.Get(t, tab, chromedp.NavigateResponse(link))
		require.EqualValues(t, http.StatusNotFound, res.Status, name)
		require.Zero(t, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("form").length`)),
			"%s: an error page, no form", name)
		// A POST to it, from the page's own origin with a real nonce of the other lead's page, is refused too.
		status := browsertest.Get(t, tab, chromedp.Evaluate[int](fmt.Sprintf(`(async () => {
			const page = await (await fetch(%q)).text();
			const nonce = page.match(/name="nonce" value="([^"]+)"/)[1];
			const r = await fetch(%q, {method: "POST", body: new URLSearchParams({nonce, status: "contacted", who: "张三"})});
			return r.status;
		})()`, other, link), chromedp.EvalAwaitPromise))
		require.Equal(t, http.StatusNotFound, status, name)
		require.Equal(t, open, f.state(t, otherID), "%s changed nothing", name)
		require.Equal(t, after, f.state(t, clueID), "%s changed nothing", name)
	}

	// A form on another site posting to the link: the browser says where it
	// comes from, and the mark is refused.
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<form method="post" action="%s"><input name="nonce" value="%s">
			<input name="who" value="张三"><button name="status" value="invalid">go</button></form>`,
			other, r.URL.Query().Get("nonce"))
	}))
	t.Cleanup(evil.Close)
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(other), chromedp.WaitVisible(css(`button[value=contacted]`))))
	nonce := browsertest.Get(t, tab, chromedp.Evaluate[string](`document.querySelector("input[name=nonce]").value`))
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(evil.URL+"/?nonce="+nonce), chromedp.Click(css(`button`))))
	bodyText(t, tab, "来源不符")
	require.Equal(t, open, f.state(t, otherID), "a cross-site form changed nothing")

	// An expired link: the page was opened in time, the click comes after
	// the link's 7 days; opening it again gets the same error page.
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(other), chromedp.WaitVisible(css(`button[value=contacted]`))))
	f.clk.Advance(marklink.TTL)
	require.NoError(t, chromedp.Do(tab, chromedp.Click(css(`button[value=contacted]`))))
	bodyText(t, tab, "链接已过期")
	res = browsertest.Get(t, tab, chromedp.NavigateResponse(other))
	require.EqualValues(t, http.StatusGone, res.Status)
	require.Zero(t, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("form").length`)))
	require.Equal(t, open, f.state(t, otherID), "an expired link changed nothing")
	require.Equal(t, after, f.state(t, clueID))

	require.Zero(t, dialogs.Load(), "no lead field ran as script")
}
