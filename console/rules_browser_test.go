package console

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/console/browsertest"
	"github.com/cluebot/cluebot/store"
)

// rulesBrowser starts a headless Chromium for the test, or skips without
// one unless CI is set.
func rulesBrowser(t *testing.T) context.Context {
	t.Helper()
	tab, _ := browsertest.Start(t)
	return tab
}

// TestRulesBrowser: an admin signs in in a real browser, previews a change
// on the rules page, then saves it with a comment.
func TestRulesBrowser(t *testing.T) {
	e := newEnv(t, "")
	e.seed()
	applied := e.withRules()
	ctx := rulesBrowser(t)

	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		require.NoError(t, err)
		return v
	}
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/rules"),
		chromedp.WaitVisible(css(`input[name=username]`)),
		chromedp.SendKeys(css(`input[name=username]`), "admin"),
		chromedp.SendKeys(css(`input[name=password]`), adminPass),
		chromedp.Click(css(`form[action="/login"] button`)),
		chromedp.WaitVisible(css(`textarea[name=rules]`)),
		chromedp.SetValue(css(`textarea[name=rules]`), groupRules),
		chromedp.Click(css(`form.rules-editor button:not([formaction])`)),
		chromedp.WaitVisible(css(`#changed`)),
	))
	changed := text(`#changed`)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(css(`input[name=comment]`), "全部给群"),
		chromedp.Click(css(`button[formaction="/rules"]`)),
		chromedp.WaitVisible(css(`p.ok`)),
	))
	saved, history := text(`p.ok`), text(`section.rules-history`)
	require.Equal(t, "3", strings.TrimSpace(changed), "every seeded lead moves from sales to group")
	require.Contains(t, saved, "已保存")
	require.Contains(t, history, "全部给群")
	require.Equal(t, []string{groupRules}, *applied)
	in, err := e.st.(store.RulesHistory).RulesInForce(context.Background())
	require.NoError(t, err)
	require.Equal(t, "admin", in.Author)
	require.Equal(t, groupRules, in.Text)
}
