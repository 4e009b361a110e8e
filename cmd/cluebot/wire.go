package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/store"
)

// loadConfig loads the config named by -c; an invalid config exits 2.
func loadConfig(flagPath string) (*config.Config, error) {
	cfg, err := config.Load(config.Path(flagPath))
	if err != nil {
		if config.IsInvalid(err) {
			return nil, &exitError{code: 2, err: fmt.Errorf("invalid config:\n%w", err)}
		}
		return nil, &exitError{code: 2, err: err}
	}
	return cfg, nil
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// newLogger logs to stderr: text on a terminal, JSON otherwise, unless the
// config says which.
func newLogger(cfg *config.Config, stderr io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	format := cfg.Log.Format
	if format == "auto" {
		format = "json"
		if isTerminal(stderr) {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(stderr, opts))
}

// startApp loads the config named by -c and wires every package from it;
// the caller closes the app.
func startApp(ctx context.Context, cfgPath string, stderr io.Writer) (*app.App, error) {
	cfg, err := loadConfig(cfgPath)
	if err != nil {
		return nil, err
	}
	a, err := app.New(ctx, cfg, newLogger(cfg, stderr), app.Options{})
	if err != nil {
		return nil, appErr(err)
	}
	return a, nil
}

// appErr maps a config problem found while wiring to exit code 2.
func appErr(err error) error {
	if app.IsConfigError(err) {
		return &exitError{code: 2, err: err}
	}
	return err
}

// openStore opens the configured store backend.
func openStore(ctx context.Context, cfg *config.Config, logger *slog.Logger) (store.Store, error) {
	st, err := app.OpenStore(ctx, cfg, logger)
	return st, appErr(err)
}

// parseTime reads a command-line time, YYYY-MM-DD or YYYY-MM-DD HH:MM:SS, in
// the configured zone.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	for _, layout := range []string{time.DateTime, time.DateOnly, "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not YYYY-MM-DD or YYYY-MM-DD HH:MM:SS", s)
}
