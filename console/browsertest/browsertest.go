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

// Start starts one headless Chromium with a fresh profile and returns its
// first tab and the number of JavaScript dialogs (alert, confirm) any page
// opened; a hostile lead field that ran as script would open one.
func Start(t testing.TB) (context.Context, *atomic.Int32) {
	t.Helper()
	path := ChromiumPath(t)
	profile, err := os.MkdirTemp("", "cluebot-chromium-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(profile) }) // after the browser is gone
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(profile), chromedp.Flag("disable-dev-shm-usage", true))
	ctx, cancelTimeout := context.WithTimeout(context.Background(), 60*time.Second)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tab, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelTab(); cancelAlloc(); cancelTimeout() })
	dialogs := new(atomic.Int32)
	err = chromedp.Listen(tab, func(ev any) {
		if _, ok := ev.(*cdppage.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
			go func() { // never from the listener itself: it would block the tab
				_, _ = chromedp.Call(tab, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false})
			}()
		}
	})
	require.NoError(t, err, "start chromium at %s", path)
	return tab, dialogs
}

// Get runs one action that reads a value in tab.
func Get[T any](t testing.TB, tab context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(tab, a)
	require.NoError(t, err)
	return v
}
