package demo

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/fetch"
)

// demoAgency is the simulated agency that runs the demo's advertiser
// accounts: the demo onboards them by its one authorization, as a real
// setup does, with no token in cluebot.yaml.
const demoAgency = 20006000

// callback serves the OAuth callback the simulated authorize page sends
// the browser to; it answers 503 until the app's onboarder is set.
type callback struct {
	h atomic.Pointer[http.Handler]
}

func (c *callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := c.h.Load()
	if h == nil || r.URL.Path != fetch.CallbackPath {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	(*h).ServeHTTP(w, r)
}

// pageText is the text of the callback page's message.
var pageText = regexp.MustCompile(`<p>([^<]*)</p>`)

// onboardAgency walks the agency flow a new user follows: the authorize
// URL (`cluebot auth url --agent`), the approval on the vendor's page,
// which sends the browser to cluebot's callback, which exchanges the code
// and reads the advertisers the agency runs. It prints each step and
// returns how many advertisers were found.
func onboardAgency(ctx context.Context, a *app.App, cb *callback, w io.Writer) (int, error) {
	o := a.Onboarder()
	h := o.Handler()
	cb.h.Store(&h)
	u, err := o.AuthURL(ctx, true)
	if err != nil {
		return 0, err
	}
	fmt.Fprintf(w, "▶ Onboarding the agency way: cluebot auth url --agent gives\n  %s\n", u)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req) // the browser: authorize page, then the callback
	if err != nil {
		return 0, fmt.Errorf("demo authorize: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, fmt.Errorf("demo authorize: %w", err)
	}
	msg := ""
	if m := pageText.FindSubmatch(body); m != nil {
		msg = strings.TrimSpace(string(m[1]))
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("demo authorize: the callback answered %s: %s", resp.Status, msg)
	}
	fmt.Fprintf(w, "  the agency approved on the authorize page; the browser came back to %s:\n  “%s”\n",
		resp.Request.URL.Path, msg)
	auths, err := a.Store.Authorizations(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, au := range auths {
		n += au.Advertisers
	}
	fmt.Fprintf(w, "✔ 授权 %d 个代理商账户，发现 %d 个广告主 (cluebot accounts lists them; no token in cluebot.yaml)\n", len(auths), n)
	return n, nil
}
