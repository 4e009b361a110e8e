package marklink_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/marklink"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/sqlite"
)

const clueID = "7301234567890123456"

type fixture struct {
	srv    *httptest.Server
	st     *sqlite.Store
	signer *marklink.Signer
	clk    *clockwork.FakeClock
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	clk := clockwork.NewFakeClockAt(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "c.db"), sqlite.Options{Now: clk.Now})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, st.Close()) })
	_, err = st.UpsertClues(t.Context(), []store.Clue{{ID: clueID, AdvertiserID: 1, CreateTime: clk.Now(),
		UpdateTime: clk.Now(), UserName: "王<b>五</b>", Phone: "13812345678", PageName: "郑州装修"}})
	require.NoError(t, err)
	key, err := st.MarkLinkKey(t.Context(), make([]byte, store.MarkLinkKeySize))
	require.NoError(t, err)

	f := &fixture{st: st, clk: clk}
	mux := http.NewServeMux()
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	f.signer, err = marklink.NewSigner(key, f.srv.URL, clk)
	require.NoError(t, err)
	h := &marklink.Handler{Signer: f.signer, Store: st, Zone: time.UTC,
		Members: func([]string) []string { return []string{"张三", "李四"} },
		Log:     slog.New(slog.DiscardHandler)}
	h.Register(mux)
	return f
}

func (f *fixture) get(t *testing.T, u string) (int, string) {
	t.Helper()
	res, err := http.Get(u)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(b)
}

func (f *fixture) post(t *testing.T, u string, form url.Values, origin string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	return res.StatusCode
}

func (f *fixture) mark(t *testing.T) (store.Mark, bool) {
	t.Helper()
	m, err := f.st.Marks(t.Context(), []string{clueID})
	require.NoError(t, err)
	got, ok := m[clueID]
	return got, ok
}

var nonceRe = regexp.MustCompile(`name="nonce" value="([^"]+)"`)

func TestLinkIsShortAndSigned(t *testing.T) {
	f := newFixture(t)
	u := f.signer.URL(clueID)
	require.True(t, strings.HasPrefix(u, f.srv.URL+"/m/"))
	require.LessOrEqual(t, len(u)-len(f.srv.URL), 3+60, "short enough for chat")
	tok := strings.TrimPrefix(u, f.srv.URL+"/m/")
	id, err := f.signer.Verify(tok)
	require.NoError(t, err)
	require.Equal(t, clueID, id)

	other, err := marklink.NewSigner(make([]byte, 32), f.srv.URL, f.clk)
	require.NoError(t, err)
	_, err = other.Verify(tok)
	require.NoError(t, err, "the same key verifies on another instance")
	other, err = marklink.NewSigner([]byte("another key, 32 bytes long......"), f.srv.URL, f.clk)
	require.NoError(t, err)
	_, err = other.Verify(tok)
	require.ErrorIs(t, err, marklink.ErrForged)

	f.clk.Advance(marklink.TTL)
	_, err = f.signer.Verify(tok)
	require.ErrorIs(t, err, marklink.ErrExpired)
}

func TestPageAndMark(t *testing.T) {
	f := newFixture(t)
	u := f.signer.URL(clueID)

	code, body := f.get(t, u)
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, "138****5678")
	require.NotContains(t, body, "13812345678")
	require.Contains(t, body, "王&lt;b&gt;五&lt;/b&gt;", "lead text is escaped")
	require.Contains(t, body, "郑州装修")
	require.Contains(t, body, "2026-03-02 10:00")
	require.Contains(t, body, `<option value="李四">`)
	_, marked := f.mark(t)
	require.False(t, marked, "GET (a chat app's preview) never marks")
	nonce := nonceRe.FindStringSubmatch(body)[1]

	f.clk.Advance(time.Minute)
	require.Equal(t, http.StatusOK, f.post(t, u, url.Values{"nonce": {nonce}, "status": {"contacted"}, "who": {"李四"}}, f.srv.URL))
	m, ok := f.mark(t)
	require.True(t, ok)
	require.Equal(t, store.Mark{ClueID: clueID, Status: store.MarkContacted, By: "李四", At: f.clk.Now()}, m)

	f.clk.Advance(time.Minute)
	require.Equal(t, http.StatusOK, f.post(t, u, url.Values{"nonce": {nonce}, "status": {"invalid"}, "who": {"张三"}}, ""))
	m, _ = f.mark(t)
	require.Equal(t, store.MarkInvalid, m.Status, "a later mark replaces")
	require.Equal(t, "张三", m.By)
	_, body = f.get(t, u)
	require.Contains(t, body, "无效 · 张三")

	// A failed write-back to the vendor shows on the page.
	require.NoError(t, f.st.RecordWriteBack(t.Context(), store.WriteBack{ClueID: clueID, MarkAt: m.At,
		State: store.WriteBackFailed, Attempts: 1, LastError: "code 400002: 线索不存在"}))
	_, body = f.get(t, u)
	require.Contains(t, body, "同步到快手失败：code 400002: 线索不存在")
}

func TestRefusedPostsChangeNothing(t *testing.T) {
	f := newFixture(t)
	u := f.signer.URL(clueID)
	_, body := f.get(t, u)
	nonce := nonceRe.FindStringSubmatch(body)[1]
	tok := strings.TrimPrefix(u, f.srv.URL+"/m/")
	forged := []byte(tok)
	forged[10] ^= 1
	good := url.Values{"nonce": {nonce}, "status": {"contacted"}, "who": {"张三"}}
	with := func(k, v string) url.Values {
		c := url.Values{}
		for kk, vv := range good {
			c[kk] = vv
		}
		c.Set(k, v)
		return c
	}
	tests := []struct {
		name   string
		url    string
		form   url.Values
		origin string
		want   int
	}{
		{"forged token", f.srv.URL + "/m/" + string(forged), good, "", http.StatusNotFound},
		{"garbage token", f.srv.URL + "/m/abc", good, "", http.StatusNotFound},
		{"other origin", u, good, "https://evil.example", http.StatusForbidden},
		{"no nonce", u, with("nonce", ""), "", http.StatusForbidden},
		{"nonce of another link", u, with("nonce", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), "", http.StatusForbidden},
		{"unknown person", u, with("who", "外人"), "", http.StatusBadRequest},
		{"unknown status", u, with("status", "sold"), "", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, f.post(t, tt.url, tt.form, tt.origin))
			_, marked := f.mark(t)
			require.False(t, marked)
		})
	}

	t.Run("stale page", func(t *testing.T) {
		f.clk.Advance(marklink.NonceTTL + time.Minute)
		require.Equal(t, http.StatusForbidden, f.post(t, u, good, ""))
		_, marked := f.mark(t)
		require.False(t, marked)
	})
	t.Run("expired link", func(t *testing.T) {
		f.clk.Advance(marklink.TTL)
		code, _ := f.get(t, u)
		require.Equal(t, http.StatusGone, code)
		require.Equal(t, http.StatusGone, f.post(t, u, good, ""))
		_, marked := f.mark(t)
		require.False(t, marked)
	})
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	res, err := http.Get(f.signer.URL(clueID))
	require.NoError(t, err)
	res.Body.Close()
	require.Contains(t, res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	require.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
}
