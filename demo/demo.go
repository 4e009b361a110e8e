// Package demo runs cluebot's whole pipeline with nothing but the binary:
// built-in simulators of the Kuaishou API and of the three chat robots on
// loopback, the embedded store in a folder, and the shipped rules.yaml. One
// cycle pulls realistic leads, routes them, delivers the alerts (printed as
// the chat apps would show them) and writes today's Excel report.
package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/cluebot/cluebot"
	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/route"
)

// Options configures a demo run.
type Options struct {
	// Dir is where the config, database and report go; empty makes a new
	// temporary folder (kept, so the results can be opened afterwards).
	Dir string
	// Out receives the human-readable story of the run.
	Out io.Writer
	// Log receives the daemon's structured log; nil discards it.
	Log io.Writer
	// Leads is how many leads the simulated accounts hold; 0 means 60.
	Leads int
	// Now is the demo's clock; nil means time.Now.
	Now func() time.Time
	// Serve, when set, is the address where the demo then serves the
	// console (with the daemon pulling the simulators, which get new leads
	// every few seconds) until ctx ends.
	Serve string
	// Ready, when set, is told the console's address and demo login once it
	// serves.
	Ready func(Serving)
}

// Result says where everything is and what happened.
type Result struct {
	Dir, Config, Database string
	Reports               []string
	Advertisers           int // advertisers the agency's authorization brought in
	Leads                 int // clues pulled
	Routed, Unrouted      int
	Alerts, Messages      int    // alerts delivered, in how many robot messages
	Received              int    // messages the simulated robots accepted
	Refused               int    // requests the simulated robots refused
	MarkedBack            string // the lead marked through its link and written back to the vendor
}

// Run runs the demo.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Leads <= 0 {
		opts.Leads = 60
	}
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	dir, err := workDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	res := &Result{Dir: dir, Config: filepath.Join(dir, "cluebot.yaml"), Database: filepath.Join(dir, "cluebot.db")}
	w := opts.Out

	ks, rb := newSimulators(opts)
	paths := register(rb)
	cb := &callback{}
	ksSrv, rbSrv, cbSrv := httptest.NewServer(ks.server), httptest.NewServer(rb), httptest.NewServer(cb)
	defer ksSrv.Close()
	defer rbSrv.Close()
	defer cbSrv.Close()
	fmt.Fprintf(w, "▶ Simulated Kuaishou API on %s: an agency running %d accounts, %d leads collected today\n", ksSrv.URL, len(demoAccounts), ks.leads)
	fmt.Fprintf(w, "▶ Simulated robots on %s: DingTalk (signed), WeCom, Feishu (signed)\n", rbSrv.URL)

	if err := os.WriteFile(filepath.Join(dir, "rules.yaml"), cluebot.RulesYAML, 0o600); err != nil {
		return nil, fmt.Errorf("write rules.yaml: %w", err)
	}
	var (
		ln      net.Listener
		serving Serving
		extra   string
		poll    time.Duration
	)
	if opts.Serve != "" {
		if ln, serving, extra, err = serveSetup(opts.Serve); err != nil {
			return nil, err
		}
		defer ln.Close()
		poll = servePoll
	}
	// The mark links: served on their own address for the mark-back step;
	// without --serve that address is console.base_url too.
	markLn, markURL, err := listen("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer markLn.Close()
	if ln == nil {
		extra = "console:\n" + baseURLYAML(markURL)
	}
	if err := os.WriteFile(res.Config, configYAML(ksSrv.URL, rbSrv.URL, cbSrv.URL, paths, poll, extra), 0o600); err != nil {
		return nil, fmt.Errorf("write config: %w", err)
	}
	cfg, err := config.Load(res.Config)
	if err != nil {
		return nil, fmt.Errorf("demo config: %w", err)
	}
	logOut := opts.Log
	if logOut == nil {
		logOut = io.Discard
	}
	logger := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.New(ctx, cfg, logger, app.Options{})
	if err != nil {
		return nil, err
	}
	defer a.Close()

	if res.Advertisers, err = onboardAgency(ctx, a, cb, w); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "▶ Pulling, routing by %s and delivering…\n", filepath.Join(dir, "rules.yaml"))
	once, err := a.Once(ctx)
	if err != nil {
		return nil, err
	}
	if once.PullErr != nil {
		return nil, fmt.Errorf("pull: %w", once.PullErr)
	}
	res.Leads, res.Routed, res.Unrouted = once.Fetched(), once.Route.Routed, once.Route.Unrouted
	res.Alerts, res.Messages = once.Deliver.Delivered, once.Deliver.Messages
	fmt.Fprintf(w, "  pulled %d leads; %d routed, %d unrouted; %d alerts delivered in %d messages\n\n",
		res.Leads, res.Routed, res.Unrouted, res.Alerts, res.Messages)

	res.Received, res.Refused = len(rb.All()), len(rb.Refusals())
	showMessages(w, rb, opts.Now)
	if res.MarkedBack, err = markBack(ctx, a, ks.server, rb, markLn, w); err != nil {
		return nil, err
	}

	reports, err := writeReport(ctx, a, opts.Now(), w)
	if err != nil {
		return nil, err
	}
	res.Reports = reports
	fmt.Fprintf(w, "\n✔ Done.\n  config:   %s\n  rules:    %s\n  database: %s\n", res.Config, filepath.Join(dir, "rules.yaml"), res.Database)
	for _, r := range reports {
		fmt.Fprintf(w, "  report:   %s\n", r)
	}
	fmt.Fprintf(w, "  Try (after make build): bin/cluebot export -c %s --from %s --to %s --format csv\n", res.Config,
		opts.Now().In(cfg.Location).Format(time.DateOnly), opts.Now().In(cfg.Location).AddDate(0, 0, 1).Format(time.DateOnly))
	if ln == nil {
		fmt.Fprintf(w, "  Browse it in the console: go run ./cmd/cluebot demo --serve (then open http://%s)\n", DefaultServe)
		return res, nil
	}
	return res, serve(ctx, a, ks, ln, serving, opts)
}

func workDir(dir string) (string, error) {
	if dir == "" {
		d, err := os.MkdirTemp("", "cluebot-demo-")
		if err != nil {
			return "", fmt.Errorf("make demo folder: %w", err)
		}
		return d, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("make demo folder: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	return abs, nil
}

// members lists everyone on duty in the shipped rules, so the simulated
// chat apps can show an @mention by name.
func members() []route.Member {
	rules, err := route.Parse("rules.yaml", cluebot.RulesYAML)
	if err != nil {
		return nil
	}
	var out []route.Member
	for _, rt := range rules.Routes {
		out = append(out, rt.Mention.RoundRobin...)
	}
	return out
}
