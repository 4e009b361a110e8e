package daemon

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// TestMarkLinkEndToEnd: with console.base_url set (and no console users),
// an alert carries its lead's mark link; the daemon serves its page, which
// offers the route's round-robin people, and its button records the mark.
func TestMarkLinkEndToEnd(t *testing.T) {
	ln, base := listen(t)
	e := newEnv(t, envOptions{baseURL: base, rules: "routes:\n  - name: all\n    receivers: [group]\n" +
		"    mention: {round_robin: [{name: 张三, mobile: \"13800000001\"}, {name: 李四, mobile: \"13800000002\"}]}\n"})
	ids := e.addClues(1)
	_, stop := e.start(Options{Listener: ln})
	defer func() { require.NoError(t, stop()) }()

	require.Eventually(t, func() bool { return len(e.robots.Messages("tk")) == 1 }, wait, 5*time.Millisecond)
	link := regexp.MustCompile(regexp.QuoteMeta(base) + `/m/[A-Za-z0-9_-]+`).FindString(string(e.robots.Messages("tk")[0].Raw))
	require.NotEmpty(t, link, "the alert carries the mark link")

	code, page := get(t, link)
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, page, `<option value="李四">`)
	marks, err := e.app.Store.Marks(t.Context(), ids)
	require.NoError(t, err)
	require.Empty(t, marks, "opening the link marks nothing")

	nonce := regexp.MustCompile(`name="nonce" value="([^"]+)"`).FindStringSubmatch(page)[1]
	form := url.Values{"nonce": {nonce}, "status": {store.MarkContacted}, "who": {"李四"}}
	req, err := http.NewRequest(http.MethodPost, link, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode)
	marks, err = e.app.Store.Marks(t.Context(), ids)
	require.NoError(t, err)
	require.Equal(t, "李四", marks[ids[0]].By)
	require.Equal(t, store.MarkContacted, marks[ids[0]].Status)

	code, _ = get(t, base+"/m/"+strings.Repeat("A", 60))
	require.Equal(t, http.StatusNotFound, code, "a forged link")
}

// TestWriteBackJob: with kuaishou.write_back, a mark made in cluebot reaches
// the vendor's clue_mark/update through the daemon's job.
func TestWriteBackJob(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.cfg.Kuaishou.WriteBack = true
	ids := e.addClues(1)
	d, stop := e.start(Options{})
	defer func() { require.NoError(t, stop()) }()
	waitRuns(t, d, JobPull, 1)
	require.NoError(t, e.app.Store.SetMark(t.Context(), store.Mark{ClueID: ids[0], Status: store.MarkInvalid, By: "张三", At: e.clock.Now()}))
	require.Eventually(t, func() bool {
		e.clock.Advance(writeBackEvery)
		return len(e.ks.Marks()) == 1
	}, wait, 20*time.Millisecond)
	m := e.ks.Marks()[0]
	require.Equal(t, ids[0], m.ClueID)
	require.EqualValues(t, 8, *m.ScheduleID)
}
