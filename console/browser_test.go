package console

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// chromiumPath finds the browser: $CLUEBOT_CHROMIUM, else Debian's
// chromium. Without one the test skips, except under CI (CI set), where a
// missing browser is a failure: `.ci/run` installs it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CLUEBOT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("browser tests: no chromium on PATH and CI is set (apt-get install chromium, or set CLUEBOT_CHROMIUM)")
	}
	t.Skip("browser tests skipped: no chromium on PATH (apt-get install chromium, or set CLUEBOT_CHROMIUM)")
	return ""
}

// browserStart bounds one start of headless Chromium, apart from the
// tests' own 60 s: the first start on a fresh machine builds the profile
// and font caches, and under -race on a loaded runner it outlasted the 60 s
// that used to cover the start and the test together.
const browserStart = 2 * time.Minute

// startChromium starts headless Chromium with opts and a fresh profile and
// returns its first tab, alive until the test ends. The browser lives as
// long as the context its start runs on, so the start runs on the tab with
// no deadline and a watchdog ends it after browserStart; a start that fails
// (a cold first start that crashed or hung) is tried once more from scratch.
// The tests' own time limits begin once it is up.
func startChromium(t *testing.T, opts []chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	var err error
	for attempt := 1; attempt <= 2; attempt++ {
		profile, merr := os.MkdirTemp("", "cluebot-chromium-")
		require.NoError(t, merr)
		t.Cleanup(func() { _ = os.RemoveAll(profile) }) // after the browser is gone
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
			append(slices.Clone(opts), chromedp.UserDataDir(profile))...)
		tab, cancelTab := chromedp.NewContext(alloc)
		watchdog := time.AfterFunc(browserStart, cancelTab)
		err = chromedp.Do(tab)
		if watchdog.Stop() && err == nil {
			t.Cleanup(func() { cancelTab(); cancelAlloc() })
			return tab
		}
		// Not waited for: chromedp's cancel can wait forever for a browser
		// whose start was canceled; the canceled context kills the process.
		go func() { cancelTab(); cancelAlloc() }()
		t.Logf("chromium start %d failed (bound %s): %v", attempt, browserStart, err)
	}
	require.NoError(t, err, "start chromium twice")
	return nil
}

// browser starts one headless Chromium with a fresh profile and returns
// its first tab, limited to 60 s, and the number of JavaScript dialogs
// (alert, confirm) any page opened; a hostile lead field that ran as script
// would open one.
func browser(t *testing.T) (context.Context, *atomic.Int32) {
	t.Helper()
	path := chromiumPath(t)
	tab := startChromium(t, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true)))
	dialogs := new(atomic.Int32)
	err := chromedp.Listen(tab, func(ev any) {
		if _, ok := ev.(*cdppage.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
			go func() { // never from the listener itself: it would block the tab
				_, _ = chromedp.Call(tab, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false})
			}()
		}
	})
	require.NoError(t, err, "listen to chromium at %s", path)
	ctx, cancelTimeout := context.WithTimeout(tab, 60*time.Second)
	t.Cleanup(cancelTimeout)
	return ctx, dialogs
}

// get runs one action that reads a value in tab.
func get[T any](t *testing.T, tab context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(tab, a)
	require.NoError(t, err)
	return v
}

// signInBrowser opens a page that needs a session, is sent to the login
// form, signs in there and lands back on path.
func signInBrowser(t *testing.T, tab context.Context, base, path, name, pw, ready string) {
	t.Helper()
	require.NoError(t, chromedp.Do(tab,
		chromedp.Navigate(base+path),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/login"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), name),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), pw),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button`)),
		chromedp.WaitVisible(chromedp.CSS(ready)),
	))
	u, err := url.Parse(get(t, tab, chromedp.Location()))
	require.NoError(t, err)
	require.Equal(t, path, u.RequestURI(), "signed in, back where the login began")
}

// TestConsoleBrowser runs the console's flows in headless Chromium over a
// real SQLite store: an admin signs in through the form, finds a lead whose
// every field is HTML and script, sees it as text, retries its dead alert,
// forgets a person and signs out; a viewer sees masked phones, no retry
// button, and is refused an admin's page.
func TestConsoleBrowser(t *testing.T) {
	tab, dialogs := browser(t)
	e := newEnv(t, "")
	e.seed()
	base := e.srv.URL
	dead := e.deadIDs()[idHostile]
	require.NotZero(t, dead)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }

	// Sign in through the form, from a page that needs it.
	signInBrowser(t, tab, base, "/leads", "admin", adminPass, `form.search`)

	// Search by the phone's last 4 digits, open the one lead found.
	require.NoError(t, chromedp.Do(tab,
		chromedp.SendKeys(css(`input[name=q]`), phoneHostile[len(phoneHostile)-4:]),
		chromedp.Submit(css(`input[name=q]`)),
		chromedp.WaitVisible(css(`main tbody a[href="/leads/`+idHostile+`"]`)),
	))
	rows := get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("main tbody tr").length`))
	require.Equal(t, 1, rows, "one lead has that phone tail")

	require.NoError(t, chromedp.Do(tab,
		chromedp.Click(css(`main tbody a[href="/leads/`+idHostile+`"]`)),
		chromedp.WaitVisible(css(`section.card h2`)),
	))
	require.Equal(t, hostileName, get(t, tab, chromedp.Text(css(`section.card h2`))), "the hostile name shows as text")
	require.Equal(t, phoneHostile, get(t, tab, chromedp.Text(css(`section.card dl dd:nth-of-type(2)`))),
		"an admin sees the whole phone")
	injected := get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("main script, main img, main b, main i").length`))
	require.Zero(t, injected, "no element came from a lead field")

	// Retry its dead alert: back on the lead's page, pending, no button.
	retry := `form[action="/deliveries/` + strconv.FormatInt(dead, 10) + `/retry"]`
	require.NoError(t, chromedp.Do(tab,
		chromedp.Click(css(retry+` button`)),
		chromedp.WaitNotPresent(css(retry)),
		chromedp.WaitVisible(css(`section.card h2`)),
	))
	require.Equal(t, "待发送", get(t, tab, chromedp.Text(css(`main table:nth-of-type(2) span.state`))))
	items, err := e.st.OutboxItems(context.Background(), idHostile)
	require.NoError(t, err)
	require.Len(t, items, 1)
	require.Equal(t, store.OutboxPending, items[0].State, "the retry queued it again")

	// Forget a person by phone.
	require.NoError(t, chromedp.Do(tab,
		chromedp.Navigate(base+"/forget"),
		chromedp.SendKeys(css(`input[name=phone]`), phonePlain),
		chromedp.Click(css(`button.danger`)),
		chromedp.WaitVisible(css(`p.ok`)),
	))
	require.Equal(t, "已删除 1 条线索。", get(t, tab, chromedp.Text(css(`p.ok`))))
	_, err = e.st.Clue(context.Background(), idPlain)
	require.ErrorIs(t, err, store.ErrNotFound, "the forgotten lead is gone from the store")

	// Sign out: a page needing a session goes back to the login form.
	require.NoError(t, chromedp.Do(tab,
		chromedp.Click(css(`form[action="/logout"] button`)),
		chromedp.WaitVisible(css(`form[action="/login"]`)),
		chromedp.Navigate(base+"/deliveries"),
		chromedp.WaitVisible(css(`form[action="/login"]`)),
	))

	// A viewer: masked phone, no retry button, an admin's page refused.
	signInBrowser(t, tab, base, "/leads/"+idHostile, "王经理", viewerPass, `section.card h2`)
	phone := get(t, tab, chromedp.Text(css(`section.card dl dd:nth-of-type(2)`)))
	require.Equal(t, transform.Mask(phoneHostile), phone)
	require.NotContains(t, phone, phoneHostile[3:7], "the middle digits are hidden")
	buttons := get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll('form[action$="/retry"], form[action$="/retry-dead"]').length`))
	require.Zero(t, buttons, "a viewer gets no retry button")
	resp := get(t, tab, chromedp.NavigateResponse(base+"/forget"))
	require.EqualValues(t, 403, resp.Status, "a viewer is refused the forget page")

	require.Zero(t, dialogs.Load(), "no lead field ran as script")
	// The detector itself works: a dialog the test opens is seen.
	_ = get(t, tab, chromedp.Evaluate[int](`setTimeout(() => alert("probe"), 0), 1`))
	require.Eventually(t, func() bool { return dialogs.Load() == 1 }, 5*time.Second, 20*time.Millisecond)
}
