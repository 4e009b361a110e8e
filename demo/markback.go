package demo

import (
	"context"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/sim/robots"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// markBackYAML is the config's line, inside the kuaishou section, that
// makes a mark go back to the vendor; console.base_url (baseURLYAML) makes
// alerts carry mark links.
const markBackYAML = "  write_back: true\n"

// baseURLYAML is console.base_url, under a console: section already open.
func baseURLYAML(base string) string { return fmt.Sprintf("  base_url: %s\n", base) }

// markBack shows a mark going back to the vendor as a rep makes it: the
// first alert carrying a mark link is opened (GET, the page), 已联系 is
// posted with the first name the page offers, the write-back runs once, and
// the clue_mark/update the simulated Kuaishou API recorded is printed. ln
// serves the mark links for the length of the step; with --serve, where
// base_url is the console's and the daemon serves them later, ln is
// another address and the link's path is posted there.
func markBack(ctx context.Context, a *app.App, ks *kuaishou.Server, rb *robots.Server, ln net.Listener, w io.Writer) (string, error) {
	mux := http.NewServeMux()
	a.MarkHandler().Register(mux)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	link := findLink(rb, strings.TrimRight(a.Config.Console.BaseURL, "/")+"/m/")
	if link == nil {
		return "", fmt.Errorf("mark back: no alert carries a mark link")
	}
	id, err := a.MarkLinks.Verify(strings.TrimPrefix(link.Path, "/m/"))
	if err != nil {
		return "", fmt.Errorf("mark back: %w", err)
	}
	origin := link.Scheme + "://" + link.Host
	link.Scheme, link.Host = "http", ln.Addr().String()
	who, err := postMark(ctx, link.String(), origin)
	if err != nil {
		return "", fmt.Errorf("mark back: %w", err)
	}
	wb := a.WriteBack()
	if wb == nil {
		return "", fmt.Errorf("mark back: kuaishou.write_back is not on")
	}
	if _, err := wb.Run(ctx); err != nil {
		return "", err
	}
	c, err := a.Store.Clue(ctx, id)
	if err != nil {
		return "", fmt.Errorf("mark back: %w", err)
	}
	state := "not sent"
	if wbs, ok := a.Store.(store.WriteBacks); ok {
		if got, err := wbs.WriteBackOf(ctx, id); err == nil {
			state = got.State
			if got.LastError != "" {
				state += ": " + got.LastError
			}
		}
	}
	for _, m := range ks.Marks() {
		if m.ClueID == id && m.ScheduleID != nil && m.CallStat != nil {
			fmt.Fprintf(w, "\n标记回写: 线索 %s (%s) 由 %s 点链接标记 → 已联系 (clue_mark/update ok: schedule_id %d, call_stat %d)\n",
				id, transform.Mask(c.Phone), who, *m.ScheduleID, *m.CallStat)
			return id, nil
		}
	}
	return "", fmt.Errorf("mark back: the simulated Kuaishou API recorded no clue_mark/update of clue %s (write-back %s)", id, state)
}

// findLink returns the first mark link (under prefix) a robot message shows.
func findLink(rb *robots.Server, prefix string) *url.URL {
	re := regexp.MustCompile(regexp.QuoteMeta(prefix) + `[A-Za-z0-9_-]+`)
	for _, m := range rb.All() {
		if s := re.FindString(rb.Render(m)); s != "" {
			if u, err := url.Parse(s); err == nil {
				return u
			}
		}
	}
	return nil
}

var (
	nonceRe  = regexp.MustCompile(`name="nonce" value="([^"]+)"`)
	optionRe = regexp.MustCompile(`<option value="([^"]+)">`)
)

// postMark opens the page at link and posts 已联系 from it, as the page's
// form does in a browser from origin; it returns who the mark is by.
func postMark(ctx context.Context, link, origin string) (string, error) {
	page, err := call(ctx, http.MethodGet, link, "", nil)
	if err != nil {
		return "", err
	}
	nonce, who := nonceRe.FindStringSubmatch(page), optionRe.FindStringSubmatch(page)
	if nonce == nil || who == nil {
		return "", fmt.Errorf("the mark page has no form")
	}
	by := html.UnescapeString(who[1])
	form := url.Values{"nonce": {html.UnescapeString(nonce[1])}, "status": {store.MarkContacted}, "who": {by}}
	_, err = call(ctx, http.MethodPost, link, origin, form)
	return by, err
}

// call makes one request to the mark page and returns its body.
func call(ctx context.Context, method, link, origin string, form url.Values) (string, error) {
	req, err := http.NewRequestWithContext(ctx, method, link, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return "", err
	}
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s mark page: %s: %s", method, res.Status, strings.TrimSpace(string(body)))
	}
	return string(body), nil
}
