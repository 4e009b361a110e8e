// Command kssim serves the Kuaishou API simulator on a local port, for
// trying cluebot by hand, load tests and the multi-instance scripts: it
// generates realistic clues, injects faults, expires tokens and keeps new
// clues arriving, and prints a cluebot.yaml fragment to point at it.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/sim/robots"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to serve on")
	accounts := flag.Int("accounts", 3, "advertiser accounts")
	firstID := flag.Int64("first-id", 20006545, "id of the first account; the others follow")
	clues := flag.Int("clues", 1200, "clues to generate, spread over the accounts")
	hours := flag.Float64("hours", 20, "spread the generated clues over this many past hours")
	day := flag.String("day", "", "instead, spread them over this day (YYYY-MM-DD, Beijing time)")
	faultRate := flag.Float64("fault-rate", 0, "share of clue-list calls answered with a fault (5xx, busy, truncated, html)")
	quirkList := flag.String("quirks", "", "answer code-0 clue-list pages with these vendor quirks, comma-separated: "+
		"data-null, details-null, undercount (see below)")
	quirkRate := flag.Float64("quirk-rate", 1, "share of code-0 clue-list pages bent by -quirks; 1 bends every page")
	expireEvery := flag.Int("expire-every", 0, "expire every account's access token after each N clue-list calls (0: never)")
	arrive := flag.Duration("arrive-every", 0, "add one new clue to a random account this often (0: none)")
	arriveCount := flag.Int("arrive-count", 0, "stop adding clues after this many (0: never)")
	appID := flag.Int64("app-id", 4242, "the developer app id cluebot must refresh tokens with")
	secret := flag.String("secret", "kssim-app-secret", "the developer app secret")
	seed := flag.Int64("seed", 1, "random seed")
	agencySize := flag.Int("agency", 0, "also serve an agency authorization covering this many advertisers (ids after the accounts'), "+
		"with the authorize page, the code exchange and the approval list")
	agencyID := flag.Int64("agency-id", 19000000, "the agency's own account id (it has no clues)")
	oauthFaults := flag.Float64("oauth-fault-rate", 0, "share of code-exchange and approval-list calls answered with a fault")
	workRate := flag.Float64("work-rate", 0, "share of new clues the advertiser's sales work on (phone_stat 101, schedule 电话建联) after -work-after")
	workAfter := flag.Duration("work-after", time.Minute, "how long after it arrives a clue picked by -work-rate is worked")
	markFaults := flag.Float64("mark-fault-rate", 0, "share of clue_mark/update calls answered with a fault")
	joinEvery := flag.Duration("join-every", 0, "with -agency, a new advertiser (with a few clues) joins the agency this often (0: none)")
	withRobots := flag.Bool("robots", false, "also serve a signed DingTalk, a WeCom and a signed Feishu robot")
	robotFaults := flag.Float64("robot-fault-rate", 0, "share of robot requests answered with a fault (5xx, rate-limit code, slow)")
	dump := flag.String("dump", "", "on exit, write every message the robots accepted to this JSON-lines file")
	flag.Usage = usage
	flag.Parse()
	quirks, err := sim.ParseQuirks(*quirkList)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kssim: -quirks:", err)
		os.Exit(2)
	}
	if *quirkRate < 0 || *quirkRate > 1 {
		fmt.Fprintln(os.Stderr, "kssim: -quirk-rate: must be within 0..1")
		os.Exit(2)
	}
	var quirkCfg sim.QuirkConfig
	if len(quirks) > 0 {
		quirkCfg = sim.QuirkConfig{Rate: *quirkRate, Kinds: quirks}
	}

	s := sim.New(sim.Options{AppID: *appID, Secret: *secret, Seed: *seed, Quirks: quirkCfg, Faults: sim.FaultConfig{Rate: *faultRate,
		Kinds: []sim.Fault{sim.FaultHTTP500, sim.FaultHTTP502, sim.FaultHTTP503, sim.FaultBusy, sim.FaultTruncated, sim.FaultHTML}},
		OAuthFaults: sim.FaultConfig{Rate: *oauthFaults, Kinds: []sim.Fault{sim.FaultHTTP500, sim.FaultHTTP502, sim.FaultBusy, sim.FaultHTML}},
		MarkFaults:  sim.FaultConfig{Rate: *markFaults, Kinds: []sim.Fault{sim.FaultHTTP500, sim.FaultHTTP502, sim.FaultBusy, sim.FaultHTML}}})
	now := time.Now()
	from, to := now.Add(-time.Duration(*hours*float64(time.Hour))), now.Add(-time.Minute)
	if *day != "" {
		d, err := time.ParseInLocation(time.DateOnly, *day, sim.VendorZone)
		if err != nil {
			fmt.Fprintln(os.Stderr, "kssim: -day:", err)
			os.Exit(2)
		}
		from, to = d, d.AddDate(0, 0, 1)
	}
	if *accounts < 0 || *agencySize < 0 || *accounts+*agencySize == 0 {
		fmt.Fprintln(os.Stderr, "kssim: -accounts and -agency: want at least one account, and no negative count")
		os.Exit(2)
	}
	ids := make([]int64, *accounts)
	for i := range ids {
		ids[i] = *firstID + int64(i)
		s.AddAccount(ids[i], fmt.Sprintf("access-%d", ids[i]), fmt.Sprintf("refresh-%d", ids[i]))
	}
	members := agencyMembers(*firstID+int64(*accounts), *agencySize)
	if len(members) > 0 {
		s.AddAgency(*agencyID, members...)
	}
	all := append(append([]int64(nil), ids...), members...)
	for i, id := range all {
		n := *clues / len(all)
		if i == 0 {
			n += *clues % len(all)
		}
		s.Generate(id, n, from, to)
	}
	s.SetWork(sim.WorkConfig{Rate: *workRate, After: *workAfter}) // arrivals only
	var calls atomic.Int64
	if *expireEvery > 0 {
		s.OnList(func(sim.ListRequest, int) {
			if calls.Add(1)%int64(*expireEvery) == 0 {
				for _, id := range ids {
					s.ExpireAccessToken(id)
				}
				s.ExpireAgencyToken(*agencyID)
			}
		})
	}
	mux := http.NewServeMux()
	mux.Handle("/rest/", s)
	mux.Handle(sim.AuthorizePath, s)
	var rb *robots.Server
	var robotPaths map[string]string
	if *withRobots {
		rb = robots.New(robots.Options{FaultRate: *robotFaults, Seed: uint64(*seed)})
		robotPaths = registerRobots(rb)
		for _, p := range []string{"/dingtalk/", "/wecom/", "/feishu/", "/webhook/"} {
			mux.Handle(p, rb)
		}
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kssim:", err)
		os.Exit(1)
	}
	url := "http://" + ln.Addr().String()
	fmt.Print(configFragment(url, *appID, *secret, ids))
	if len(members) > 0 {
		fmt.Print(agencyFragment(url, *appID, *agencyID, len(members)))
	}
	if rb != nil {
		fmt.Print(robotsFragment(url, robotPaths))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *arrive > 0 {
		go func() {
			t := time.NewTicker(*arrive)
			defer t.Stop()
			for i := 0; *arriveCount == 0 || i < *arriveCount; i++ {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					at := time.Now()
					s.Generate(all[i%len(all)], 1, at.Add(-time.Second), at)
				}
			}
		}()
	}
	if *joinEvery > 0 && len(members) > 0 {
		go joinLoop(ctx, s, *agencyID, members[len(members)-1]+1, *joinEvery)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "kssim:", err)
		os.Exit(1)
	}
	if rb != nil {
		reportRobots(rb, *dump)
	}
	st := s.Stats()
	fmt.Fprintf(os.Stderr, "kssim: %d calls, %d list pages, %d refreshes, %d faults injected, %d auth rejections, %d quirky pages, "+
		"%d approval-list calls, %d marks written back, %d clues worked\n",
		st.Calls, st.ListPages, st.RefreshCalls, st.FaultsInjected(), st.AuthRejections, quirkyPages(st),
		st.ApprovalCalls, len(s.Marks()), st.Worked)
}

// usage prints the flags and what the vendor quirks do.
func usage() {
	out := flag.CommandLine.Output()
	fmt.Fprintf(out, "usage: kssim [flags]\n\nServes the Kuaishou clue-list and token APIs on a local port and prints the\ncluebot.yaml fragment to point at them. With -agency N it also serves an agency\nauthorization: the authorize page (approving at once), the code exchange and the\napproval list.\n\nflags:\n")
	flag.PrintDefaults()
	fmt.Fprint(out, `
vendor quirks (-quirks, on a -quirk-rate share of the code-0 pages):
  data-null     code 0 with "data": null, no page at all
  details-null  code 0 with the true total_count and "details": null
  undercount    the true rows with total_count one below the rows of the page
                (a page of 100 says 99)
A client must retry the first two (they are never the end of a window) and page
on past the third while pages come back full.
e.g. kssim -clues 600 -accounts 1 -quirks data-null -quirk-rate 0.3
     kssim -accounts 0 -agency 300 -join-every 1m
     kssim -arrive-every 10s -work-rate 0.5 -work-after 30s   (follow-up: half the leads get called)
`)
}

func quirkyPages(st sim.Stats) int {
	n := 0
	for _, v := range st.Quirks {
		n += v
	}
	return n
}

func configFragment(url string, appID int64, secret string, ids []int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# kssim on %s: paste under kuaishou: in cluebot.yaml\nkuaishou:\n  base_url: %s\n  app_id: %d\n  secret: %s\n", url, url, appID, secret)
	if len(ids) > 0 {
		b.WriteString("  accounts:\n")
	}
	for _, id := range ids {
		fmt.Fprintf(&b, "    - {advertiser_id: %d, access_token: access-%d, refresh_token: refresh-%d}\n", id, id, id)
	}
	return b.String()
}
