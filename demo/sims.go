package demo

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/sim/robots"
)

// The demo's made-up credentials. They only open the in-process simulators.
const (
	appID     = 1000001
	appSecret = "demo-app-secret"
)

var demoAccounts = []struct {
	id   int64
	name string
}{{20006545, "郑州宝马4S店"}, {20006546, "广州宝马4S店"}, {20006547, "杭州宝马4S店"}}

// demoRobots are the receivers the shipped rules.yaml names.
var demoRobots = []struct {
	receiver, platform, id, secret string
}{
	{"henan-sales", robots.DingTalk, "demo-dingtalk-henan", "SECdemo0123456789abcdef0123456789abcdef0123456789abcdef01234567"},
	{"guangdong-sales", robots.WeCom, "demo-wecom-guangdong", ""},
	{"calls-team", robots.Feishu, "demo-feishu-calls", "demo-feishu-secret"},
	{"managers", robots.WeCom, "demo-wecom-managers", ""},
}

type kuaishouSim struct {
	server *kuaishou.Server
	leads  int
}

// newSimulators builds the Kuaishou API with today's leads and the robots.
func newSimulators(opts Options) (*kuaishouSim, *robots.Server) {
	now := opts.Now()
	zone := time.FixedZone("CST", 8*3600)
	today := time.Date(now.In(zone).Year(), now.In(zone).Month(), now.In(zone).Day(), 0, 0, 0, 0, zone)
	from := now.Add(-8 * time.Hour)
	if from.Before(today) {
		from = today
	}
	to := now.Add(-30 * time.Second)
	if !to.After(from) {
		to = now
	}
	ks := kuaishou.New(kuaishou.Options{AppID: appID, Secret: appSecret, Seed: now.UnixNano(), Now: opts.Now})
	per := opts.Leads / len(demoAccounts)
	n := 0
	for _, a := range demoAccounts {
		ks.AddAgency(demoAgency, a.id) // the agency runs every demo account
	}
	for i, a := range demoAccounts {
		count := per
		if i == 0 {
			count += opts.Leads - per*len(demoAccounts)
		}
		n += len(ks.Generate(a.id, count, from, to))
	}
	rb := robots.New(robots.Options{Now: opts.Now})
	rb.AddMembers(members()...)
	return &kuaishouSim{server: ks, leads: n}, rb
}

// configYAML is the demo's cluebot.yaml; paths maps each receiver to its
// robot's path on the simulator; cbURL serves the OAuth callback.
// extra (the console, when serving) goes at the end; poll, when set, is
// kuaishou.poll_interval.
func configYAML(ksURL, rbURL, cbURL string, paths map[string]string, poll time.Duration, extra string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `# cluebot.yaml written by cluebot demo: the simulators it points at are gone
# when the demo ends. Copy it as a starting point for a real setup.
timezone: Asia/Shanghai
store:
  driver: sqlite
  dsn: cluebot.db
kuaishou:
  base_url: %s
  app_id: %d
  secret: %s
  page_size: 100
  qps: 50
  backfill: 24h
`, ksURL, appID, appSecret)
	b.WriteString(markBackYAML)
	if poll > 0 {
		fmt.Fprintf(&b, "  poll_interval: %s\n", poll)
	}
	// No accounts: they come from the agency's authorization, in the store.
	fmt.Fprintf(&b, "  oauth:\n    authorize_url: %s%s\n    redirect_url: %s%s\n  account_names:\n",
		ksURL, kuaishou.AuthorizePath, cbURL, fetch.CallbackPath)
	for _, a := range demoAccounts {
		fmt.Fprintf(&b, "    %d: %s\n", a.id, a.name)
	}
	b.WriteString("receivers:\n")
	for _, r := range demoRobots {
		fmt.Fprintf(&b, "  %s:\n    type: %s\n    url: %s%s\n", r.receiver, r.platform, rbURL, paths[r.receiver])
		if r.secret != "" {
			fmt.Fprintf(&b, "    secret: %s\n", r.secret)
		}
	}
	b.WriteString("rules: rules.yaml\ntemplates: templates\nreport:\n  out_dir: reports\n  receivers: [managers]\n")
	b.WriteString(extra)
	return []byte(b.String())
}

// register adds the demo robots to the simulator and returns each
// receiver's path on it.
func register(rb *robots.Server) map[string]string {
	paths := map[string]string{}
	for _, r := range demoRobots {
		paths[r.receiver] = rb.Add(r.platform, r.id, r.secret, "")
	}
	return paths
}

// showMessages prints every message the robots accepted as a phone shows it.
func showMessages(w io.Writer, rb *robots.Server, now func() time.Time) {
	names := map[string]string{}
	for _, r := range demoRobots {
		names[r.id] = r.receiver
	}
	for _, m := range rb.All() {
		fmt.Fprintf(w, "%s · group %q · %s\n%s\n", platformName(m.Platform), names[m.Robot],
			m.Time.In(time.FixedZone("CST", 8*3600)).Format("15:04:05"), strings.TrimRight(rb.Render(m), "\n"))
	}
}

func platformName(p string) string {
	switch p {
	case robots.DingTalk:
		return "钉钉 DingTalk"
	case robots.WeCom:
		return "企业微信 WeCom"
	case robots.Feishu:
		return "飞书 Feishu"
	}
	return p
}
