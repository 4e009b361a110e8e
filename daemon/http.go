package daemon

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/console"
	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
)

// startHTTP serves /healthz, /readyz and /metrics on the listener or
// address, if any; nil means no server.
func (d *daemon) startHTTP() (*http.Server, error) {
	ln := d.opts.Listener
	if ln == nil {
		addr := d.opts.Addr
		if addr == "" {
			addr = d.cfg.HTTP.Listen
		}
		if addr == "" {
			return nil, nil
		}
		var err error
		if ln, err = net.Listen("tcp", addr); err != nil {
			return nil, fmt.Errorf("http.listen: %w", err)
		}
	}
	h, err := d.handler()
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			d.log.Error("http server stopped", "err", err)
		}
	}()
	d.log.Info("serving /healthz, /readyz and /metrics", "addr", ln.Addr().String(),
		"metrics_token", !d.cfg.HTTP.MetricsToken.IsZero(), "console", d.console != nil)
	return srv, nil
}

// stopHTTP lets requests in progress finish, briefly.
func (d *daemon) stopHTTP(srv *http.Server) {
	if srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		_ = srv.Close()
	}
}

// handler serves /healthz, /readyz, /metrics, when console.base_url is
// set the mark links (/m/), and, when console.users is set, the console on
// every other path, all with the console's security headers.
func (d *daemon) handler() (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := d.ready(r.Context()); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, "not ready: %v\n", err)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", bearer(d.cfg.HTTP.MetricsToken, d.m.Handler()))
	if h := d.a.MarkHandler(); h != nil { // console.base_url is set: alerts carry links to /m/
		h.Register(mux)
	}
	// The browser comes back here from the vendor's authorize page.
	mux.Handle("GET "+fetch.CallbackPath, console.Headers(d.onboard.Handler()))
	mux.HandleFunc(fetch.CallbackPath, func(w http.ResponseWriter, _ *http.Request) { // not a console page
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: the authorize page comes back with GET", http.StatusMethodNotAllowed)
	})
	if !d.cfg.Console.Enabled() {
		return mux, nil
	}
	cc := consoleConfig(d.cfg)
	cc.Names, cc.Silence = d.a.Names, app.Silence(d.cfg)
	cc.Report = d.a.ReportOptions // follows reloaded rules
	cc.APIUse = func(ctx context.Context) (console.APIUse, error) {
		u, err := d.a.APIUse(ctx, d.clock.Now())
		return console.APIUse(u), err
	}
	c, err := console.New(cc, d.a.Store, d.log, d.clock)
	if err != nil {
		return nil, configError("%v", err)
	}
	d.console = c
	if api := d.rulesAPI(); api != nil {
		c.SetRules(api)
	}
	mux.Handle("/", c.Handler())
	return console.Headers(mux), nil
}

// consoleConfig is cfg's console section with what the console needs from
// the rest of the file: the configured accounts and, when the app id and a
// redirect URL are set, the authorize URL of the onboarding link.
func consoleConfig(cfg *config.Config) console.Config {
	cc := cfg.Console
	cc.Accounts = make(map[int64]string, len(cfg.Kuaishou.Accounts))
	for _, a := range cfg.Kuaishou.Accounts {
		cc.Accounts[a.AdvertiserID] = a.Name
	}
	if k := cfg.Kuaishou; k.AppID > 0 && k.OAuth.RedirectURL != "" {
		cc.Authorize = k.AuthorizeURL
	}
	return cc
}

// bearer lets through the requests that carry "Authorization: Bearer
// <token>", as Prometheus sends with `authorization: {credentials: …}`,
// and answers the others 401; no token lets every request through. The
// token is compared in constant time, by its SHA-256, so neither its
// content nor its length shows in the time taken.
func bearer(token secret.String, next http.Handler) http.Handler {
	if token.IsZero() {
		return next
	}
	want := sha256.Sum256([]byte(token.Reveal()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, got, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
		if subtle.ConstantTimeCompare(sum[:], want[:]) != 1 || !strings.EqualFold(scheme, "Bearer") {
			w.Header().Set("WWW-Authenticate", `Bearer realm="cluebot metrics"`)
			http.Error(w, "unauthorized: /metrics needs Authorization: Bearer <http.metrics_token>", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ready checks that the store answers, that its writes are not failing
// (a store that reads but cannot write, as on a full disk, loses leads),
// and that a pull in which every account synced happened within 3 poll
// intervals and a minute.
func (d *daemon) ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := d.a.Store.Ping(ctx); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if w, ok := d.a.Store.(store.WriteWatcher); ok {
		if err := w.WriteErr(); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	last, lastErr := d.health.get()
	if last.IsZero() {
		if lastErr != nil {
			return fmt.Errorf("%w: %w", errNoPull, lastErr)
		}
		return errNoPull
	}
	limit := 3*d.cfg.Kuaishou.PollInterval + time.Minute
	if age := d.clock.Since(last); age > limit {
		msg := fmt.Sprintf("last successful pull %s ago (limit %s)", age.Round(time.Second), limit)
		if lastErr != nil {
			return fmt.Errorf("%s; last pull: %w", msg, lastErr)
		}
		return errors.New(msg)
	}
	return nil
}
