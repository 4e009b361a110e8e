package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/cluebot/cluebot/sim/robots"
)

// The simulated robots' made-up credentials.
var simRobots = []struct{ receiver, platform, id, secret string }{
	{"ding", robots.DingTalk, "kssim-ding", "SECkssim-ding-secret"},
	{"wecom", robots.WeCom, "kssim-wecom", ""},
	{"feishu", robots.Feishu, "kssim-feishu", "kssim-feishu-secret"},
}

func registerRobots(rb *robots.Server) map[string]string {
	paths := map[string]string{}
	for _, r := range simRobots {
		paths[r.receiver] = rb.Add(r.platform, r.id, r.secret, "")
	}
	return paths
}

func robotsFragment(url string, paths map[string]string) string {
	var b strings.Builder
	b.WriteString("receivers:\n")
	for _, r := range simRobots {
		fmt.Fprintf(&b, "  %s: {type: %s, url: \"%s%s\"", r.receiver, r.platform, url, paths[r.receiver])
		if r.secret != "" {
			fmt.Fprintf(&b, ", secret: %s", r.secret)
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// reportRobots prints what each robot accepted and refused, and dumps the
// accepted messages as rendered text for exactly-once checks.
func reportRobots(rb *robots.Server, dump string) {
	for _, r := range simRobots {
		fmt.Fprintf(os.Stderr, "kssim: robot %s (%s): %d messages\n", r.receiver, r.platform, len(rb.Messages(r.id)))
	}
	refused := rb.Refusals()
	injected := 0
	for _, f := range refused {
		if f.Fault != "" {
			injected++
		}
	}
	fmt.Fprintf(os.Stderr, "kssim: robots refused %d requests (%d of them injected faults)\n", len(refused), injected)
	for _, f := range refused {
		if f.Fault == "" {
			fmt.Fprintf(os.Stderr, "kssim:   refused %s %d %s\n", f.Platform, f.Code, f.Message)
		}
	}
	if dump == "" {
		return
	}
	f, err := os.OpenFile(dump, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kssim:", err)
		return
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	enc.SetEscapeHTML(false)
	for _, m := range rb.All() {
		_ = enc.Encode(map[string]any{"platform": m.Platform, "robot": m.Robot, "time": m.Time, "text": rb.Render(m)})
	}
}
