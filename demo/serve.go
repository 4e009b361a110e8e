package demo

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/console"
	"github.com/cluebot/cluebot/daemon"
)

// DefaultServe is where `cluebot demo --serve` serves the console.
const DefaultServe = "127.0.0.1:9100"

// DemoUser is the console's demo admin; its password is made per run.
const DemoUser = "admin"

// newLeadEvery is how often a simulated account gets a new lead while the
// demo serves, and servePoll how often the daemon pulls.
const (
	newLeadEvery = 4 * time.Second
	servePoll    = 5 * time.Second
)

// Serving is what a serving demo tells its caller once the console is up.
type Serving struct {
	URL, User, Password string
}

// demoPassword is a fresh random password for the demo admin.
func demoPassword() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("demo password: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// consoleYAML is the config's console section: the demo admin, and base
// as console.base_url (the mark links alerts carry).
func consoleYAML(hash, base string) string {
	return "console:\n" + baseURLYAML(base) +
		fmt.Sprintf("  users:\n    - {name: %s, role: admin, password_hash: %q}\n", DemoUser, hash)
}

// serve runs the daemon with the console on ln until ctx ends, while a
// simulated account gets a new lead every newLeadEvery.
func serve(ctx context.Context, a *app.App, ks *kuaishouSim, ln net.Listener, s Serving, opts Options) error {
	w := opts.Out
	fmt.Fprintf(w, "\n▶ Console: %s\n  login: %s / %s\n  New leads arrive every few seconds. Ctrl-C stops.\n", s.URL, s.User, s.Password)
	if opts.Ready != nil {
		opts.Ready(s)
	}
	go func() {
		t := time.NewTicker(newLeadEvery)
		defer t.Stop()
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				now := opts.Now()
				ks.server.Generate(demoAccounts[i%len(demoAccounts)].id, 1, now.Add(-2*time.Second), now.Add(-time.Second))
			}
		}
	}()
	err := daemon.Run(ctx, a, daemon.Options{Listener: ln, Logger: a.Log})
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("demo console: %w", err)
	}
	fmt.Fprintln(w, "▶ Stopped.")
	return nil
}

// listen opens the console's address before the config is written, so a
// busy port fails at once and ":0" gets a real port.
func listen(addr string) (net.Listener, string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("demo --serve %s: %w", addr, err)
	}
	return ln, "http://" + ln.Addr().String(), nil
}

// serveSetup prepares --serve: the listener, the demo admin's password
// and the config's extra lines.
func serveSetup(addr string) (ln net.Listener, s Serving, extra string, err error) {
	ln, url, err := listen(addr)
	if err != nil {
		return nil, s, "", err
	}
	pw, err := demoPassword()
	if err == nil {
		var hash string
		if hash, err = console.HashPassword(pw); err == nil {
			extra = consoleYAML(hash, url) + fmt.Sprintf("http:\n  listen: %s\n", ln.Addr().String())
		}
	}
	if err != nil {
		_ = ln.Close()
		return nil, s, "", err
	}
	return ln, Serving{URL: url, User: DemoUser, Password: pw}, extra, nil
}
