package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

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
	srv := &http.Server{Handler: d.handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			d.log.Error("http server stopped", "err", err)
		}
	}()
	d.log.Info("serving /healthz, /readyz and /metrics", "addr", ln.Addr().String())
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

func (d *daemon) handler() http.Handler {
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
	mux.Handle("GET /metrics", d.m.Handler())
	return mux
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
