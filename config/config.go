// Package config loads cluebot.yaml: koanf layers the defaults, the file
// (with ${VAR} expanded) and CLUEBOT_A__B environment overrides, decodes them
// strictly into the sections each package owns, and validates the result.
// Every problem is reported as file:line: key: message.
package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cluebot/cluebot/console"
	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/report"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
)

// Config is the whole of cluebot.yaml.
type Config struct {
	Timezone  string                           `koanf:"timezone"`
	Store     store.Config                     `koanf:"store"`
	Kuaishou  fetch.Config                     `koanf:"kuaishou"`
	Receivers map[string]notify.ReceiverConfig `koanf:"receivers"`
	Rules     string                           `koanf:"rules"`
	Templates string                           `koanf:"templates"`
	Report    report.Config                    `koanf:"report"`
	HTTP      HTTPConfig                       `koanf:"http"`
	Alerts    AlertsConfig                     `koanf:"alerts"`
	Console   console.Config                   `koanf:"console"`
	Log       LogConfig                        `koanf:"log"`
	// OpsReceivers are the receivers that hear operator notices (an
	// authorization needing re-auth, an account gone silent); empty means
	// the log only.
	OpsReceivers []string `koanf:"ops_receivers"`

	// File is the path the config was loaded from; relative paths in it
	// (rules, templates, store.dsn, store.key_file, report.out_dir) are resolved against its
	// directory.
	File string `koanf:"-"`
	// Location is Timezone, loaded.
	Location *time.Location `koanf:"-"`
	// lines holds the line of each key in File (see lineOf), for warnings.
	lines map[string]int
}

// HTTPConfig is the `http:` section: where /healthz, /readyz and /metrics listen.
type HTTPConfig struct {
	Listen string `koanf:"listen"` // empty: no HTTP server
	// MetricsToken, when set, is the bearer token /metrics asks for
	// (Authorization: Bearer <token>): the metrics name accounts.
	MetricsToken secret.String `koanf:"metrics_token"`
}

// AlertsConfig is the `alerts:` section.
type AlertsConfig struct {
	// MaxAge: clues collected longer ago than this when they are routed (a
	// backfill, a first sync) are routed and reported but not alerted; 0
	// alerts every clue whatever its age.
	MaxAge time.Duration `koanf:"max_age"`
	// Lease is how long a process reserves the alerts of the message it is
	// sending, so no other instance sends them too; after a crash they wait
	// this long before another try. It must outlast one send.
	Lease time.Duration `koanf:"lease"`
	// RetryBackoff is the wait after a failed send, doubled at each further
	// failure (with jitter) up to RetryMax.
	RetryBackoff time.Duration `koanf:"retry_backoff"`
	// RetryMax caps the wait before the next attempt, a robot's own
	// rate-limit penalty (DingTalk's 10 minutes) included.
	RetryMax time.Duration `koanf:"retry_max"`
}

// LogConfig is the `log:` section.
type LogConfig struct {
	Level  string `koanf:"level"`  // debug | info | warn | error
	Format string `koanf:"format"` // auto (text on a terminal, else JSON) | text | json
}

// Validate checks every section and returns all problems found, each naming
// its key.
func (c *Config) Validate() []error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		add(fmt.Errorf("timezone: unknown time zone %q", c.Timezone))
	} else {
		c.Location = loc
		c.Console.Zone = loc
	}
	add(c.Store.Validate())
	add(c.Kuaishou.Validate())
	platforms := receiver.Platforms()
	for _, name := range sortedKeys(c.Receivers) {
		r := c.Receivers[name]
		add(r.Validate(name, platforms))
	}
	add(c.Report.Validate())
	for i, name := range c.Report.Receivers {
		if _, ok := c.Receivers[name]; !ok {
			add(fmt.Errorf("report.receivers.%d: unknown receiver %q", i, name))
		}
	}
	for i, name := range c.OpsReceivers {
		if _, ok := c.Receivers[name]; !ok {
			add(fmt.Errorf("ops_receivers.%d: unknown receiver %q", i, name))
		}
	}
	if err := checkListen(c.HTTP.Listen); err != nil {
		add(err)
	}
	if c.Alerts.MaxAge < 0 {
		add(fmt.Errorf("alerts.max_age: must not be negative"))
	}
	if c.Alerts.Lease < time.Second {
		add(fmt.Errorf("alerts.lease: %s is shorter than 1s", c.Alerts.Lease))
	}
	if c.Alerts.RetryBackoff <= 0 || c.Alerts.RetryMax < c.Alerts.RetryBackoff {
		add(fmt.Errorf("alerts.retry_backoff: must be positive and not above alerts.retry_max"))
	}
	for _, err := range c.Console.Validate() {
		add(err)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		add(fmt.Errorf("log.level: %q is not one of debug, info, warn, error", c.Log.Level))
	}
	switch c.Log.Format {
	case "auto", "text", "json":
	default:
		add(fmt.Errorf("log.format: %q is not one of auto, text, json", c.Log.Format))
	}
	return errs
}

// checkListen checks http.listen as the daemon listens on it: empty (no
// HTTP server) or host:port, the host possibly empty (every address).
func checkListen(addr string) error {
	if addr == "" {
		return nil
	}
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		_, err = net.LookupPort("tcp", port) // a number up to 65535, or a service name
	}
	if err != nil {
		return fmt.Errorf("http.listen: %q is not host:port (like 127.0.0.1:9100, or :9100 for every address)", addr)
	}
	return nil
}

// Warnings returns what a valid config had better change, for `config
// check` to print, each as file:line: warning: key: message: they do not
// stop cluebot.
func (c *Config) Warnings() []string {
	var out []string
	warn := func(key, msg string) {
		e := &Error{File: c.File, Line: lineOf(c.lines, key), Key: key, Msg: msg}
		out = append(out, e.Warning())
	}
	if c.Console.BaseURL != "" && c.HTTP.MetricsToken.IsZero() {
		warn("console.base_url", "set but http.metrics_token is not: "+
			"/metrics, which names the accounts, is open to whoever reaches the console")
	}
	for i, a := range c.Kuaishou.Accounts {
		if !a.RefreshToken.IsZero() && !c.Kuaishou.CanRefresh(a) {
			warn(fmt.Sprintf("kuaishou.accounts.%d.refresh_token", i), "not used while kuaishou.app_id or "+
				"kuaishou.secret is unset: the access token is never refreshed and fails once it expires")
		}
	}
	platforms := receiver.Platforms()
	for _, name := range sortedKeys(c.Receivers) {
		r := c.Receivers[name]
		if strings.Contains(r.URL.Reveal(), Placeholder) || strings.Contains(r.Secret.Reveal(), Placeholder) {
			warn("receivers."+name, fmt.Sprintf("still holds the starter's %s: put the robot's webhook "+
				"(and signing secret) there, or remove the receiver and its routes", Placeholder))
			continue
		}
		if p, ok := platforms.Lookup(r.Type); ok && p.Warn != nil {
			for _, w := range p.Warn(&r) {
				warn("receivers."+name+"."+w.Key, w.Msg)
			}
		}
	}
	return out
}

// Placeholder marks what the starter config of `cluebot init` leaves for
// the admin to fill in (a robot's webhook key); `config check` warns while
// a receiver still holds it.
const Placeholder = "REPLACE_ME"

// ReceiverNames returns every configured receiver name, true for those
// that take alerts: all but email receivers, which take the daily report
// only (see route.Rules.Validate).
func (c *Config) ReceiverNames() map[string]bool {
	m := make(map[string]bool, len(c.Receivers))
	for name, r := range c.Receivers {
		m[name] = r.Type != notify.TypeEmail
	}
	return m
}

// resolvePaths makes relative paths relative to the config file's directory.
func (c *Config) resolvePaths() {
	dir := filepath.Dir(c.File)
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	c.Rules = abs(c.Rules)
	c.Templates = abs(c.Templates)
	c.Report.OutDir = abs(c.Report.OutDir)
	c.Store.KeyFile = abs(c.Store.KeyFile)
	if c.Store.DSNIsPath() {
		c.Store.DSN = abs(c.Store.DSN)
	}
	c.resolveRedirect()
}

// resolveRedirect fills kuaishou.oauth.redirect_url, when unset, with
// console.base_url + the callback path: the one place the redirect target
// is worked out.
func (c *Config) resolveRedirect() {
	if c.Kuaishou.OAuth.RedirectURL == "" && c.Console.BaseURL != "" {
		c.Kuaishou.OAuth.RedirectURL = strings.TrimRight(c.Console.BaseURL, "/") + fetch.CallbackPath
	}
}

// DefaultPath is the config file used when neither -c nor CLUEBOT_CONFIG is given.
const DefaultPath = "cluebot.yaml"

// Path picks the config file: the flag's value, else $CLUEBOT_CONFIG, else DefaultPath.
func Path(flag string) string {
	if flag != "" {
		return flag
	}
	if p := os.Getenv("CLUEBOT_CONFIG"); p != "" {
		return p
	}
	return DefaultPath
}

// Load reads, decodes and validates the config file at path. The error, if
// any, is an Errors listing every problem as file:line: message.
func Load(path string) (*Config, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data, os.LookupEnv, os.Environ())
}

// Parse decodes and validates config text; name is used in error positions,
// lookup resolves ${VAR} and environ supplies CLUEBOT_ overrides.
func Parse(name string, data []byte, lookup func(string) (string, bool), environ []string) (*Config, error) {
	cfg, errs := parse(name, data, lookup, environ)
	if len(errs) > 0 {
		return nil, errs
	}
	return cfg, nil
}

// Check reads the config file at path like Load, but returns the config as
// far as it could be read together with the problems, so that the files it
// names (rules.yaml, the templates) can be checked in the same run: `config
// check` reports every problem of every file at once. The config is nil
// when the file cannot be read or is not YAML, and a config that comes with
// problems must not be run.
func Check(path string) (*Config, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	cfg, errs := parse(path, data, os.LookupEnv, os.Environ())
	if len(errs) > 0 {
		return cfg, errs
	}
	return cfg, nil
}

// parse decodes and validates config text, returning every problem and the
// config as far as it could be decoded (nil when the text is not YAML).
// A value that failed to decode, or read an unset variable, is not
// validated again.
func parse(name string, data []byte, lookup func(string) (string, bool), environ []string) (*Config, Errors) {
	doc, unset := parseYAML(name, data, lookup)
	if doc == nil {
		return nil, unset
	}
	errs := append(unset, doc.applyEnv(environ)...)
	errs = append(errs, doc.unknownKeys()...)
	cfg, derrs := decode(doc)
	errs = append(errs, derrs...)
	derrs = append(derrs, unset...) // an unset variable's empty value is not reported again
	if cfg == nil {
		doc.annotateEnv(errs)
		errs.Sort()
		return nil, errs
	}
	cfg.File = name
	cfg.lines = doc.lines
	for _, err := range cfg.Validate() {
		if e := doc.errorAt(err); !reported(derrs, e) {
			errs = append(errs, e)
		}
	}
	cfg.resolvePaths()
	doc.annotateEnv(errs)
	errs.Sort()
	return cfg, errs
}

// IsInvalid reports whether err is a config validation error (exit 2) rather
// than, say, a missing file.
func IsInvalid(err error) bool {
	var errs Errors
	return errors.As(err, &errs)
}
