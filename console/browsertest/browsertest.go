// Package browsertest starts headless Chromium for the browser tests of the
// console and the mark link, over chromedp: one home for finding the
// browser and for the rule that CI never skips them.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"sync/atomic"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// ChromiumPath finds the browser: $CLUEBOT_CHROMIUM, else Debian's
// chromium. Without one the test skips, except under CI (CI set), where a
// missing browser is a failure: `.ci/run` installs it.
func ChromiumPath(t testing.TB) string {
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

// startBound bounds one start of headless Chromium, apart from a test's own
// 60 s: the first start on a fresh machine builds the profile and font
// caches, and under -race on a loaded runner it outlasted the 60 s that used
// to cover the start and the test together.
const startBound = 2 * time.Minute

// launch starts headless Chromium with a fresh profile and returns its first
// tab, alive until the test ends. The browser lives as long as the context
// its start runs on, so the start runs on the tab with no deadline and a
// watchdog ends it after startBound; a start that fails (a cold first start
// that crashed or hung) is tried once more from scratch.
func launch(t testing.TB, path string) context.Context {
	t.Helper()
	var err error
	for attempt := 1; attempt <= 2; attempt++ {
		profile, merr := os.MkdirTemp("", "cluebot-chromium-")
		require.NoError(t, merr)
		t.Cleanup(func() { _ = os.RemoveAll(profile) }) // after the browser is gone
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
			chromedp.UserDataDir(profile), chromedp.Flag("disable-dev-shm-usage", true))
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		tab, cancelTab := chromedp.NewContext(alloc)
		watchdog := time.AfterFunc(startBound, cancelTab)
		err = chromedp.Do(tab)
		if watchdog.Stop() && err == nil {
			t.Cleanup(func() { cancelTab(); cancelAlloc() })
			return tab
		}
		// Not waited for: chromedp's cancel can wait forever for a browser
		// whose start was canceled; the canceled context kills the process.
		go func() { cancelTab(); cancelAlloc() }()
		t.Logf("chromium start %d failed (bound %s): %v", attempt, startBound, err)
	}
	require.NoError(t, err, "start chromium twice")
	return nil
}

// Start starts one headless Chromium with a fresh profile and returns its
// first tab, limited to 60 s from when the browser is up, and the number of
// JavaScript dialogs (alert, confirm) any page opened; a hostile lead field
// that ran as script would open one.
func Start(t testing.TB) (context.Context, *atomic.Int32) {
	t.Helper()
	path := ChromiumPath(t)
	tab := launch(t, path)
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
	ctx, cancel := context.WithTimeout(tab, 60*time.Second)
	t.Cleanup(cancel)
	return ctx, dialogs
}

// Get runs one action that reads a value in tab.
func Get[T any](t testing.TB, tab context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(tab, a)
	require.NoError(t, err)
	return v
}
