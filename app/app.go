// Package app assembles cluebot's packages from one config: the store, the
// Kuaishou syncer, the router and the deliverer with a sender per receiver.
// The command line, the daemon and the demo all build on it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/dispatch"
	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/followup"
	"github.com/cluebot/cluebot/marklink"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/postgres"
	"github.com/cluebot/cluebot/store/sqlite"
	"github.com/cluebot/cluebot/transform"
)

// ConfigError is a problem with the config, rules or templates: the command
// line exits 2 on it.
type ConfigError struct{ Err error }

// Error returns the underlying problem.
func (e *ConfigError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying problem.
func (e *ConfigError) Unwrap() error { return e.Err }

// IsConfigError reports whether err is a config problem.
func IsConfigError(err error) bool {
	var ce *ConfigError
	return errors.As(err, &ce)
}

// App is every part of cluebot wired together from one config.
type App struct {
	Config *config.Config
	Log    *slog.Logger
	Store  store.Store
	// Rules are the rules in force, Live().Rules, where dispatch reads them.
	Rules *atomic.Pointer[route.Rules]
	Leads *dispatch.Leads
	// Names names the accounts: cluebot.yaml's names over imported ones.
	Names  *store.Namer
	Syncer *fetch.Syncer
	// Tokens is the syncer's token manager (the daemon refreshes ahead).
	Tokens *fetch.Tokens
	Router *dispatch.Router
	// Followups schedules and fires the follow-up timers (issue 17).
	Followups *followup.Job
	// Pacer paces every deliverer built from this app, so a deliverer
	// rebuilt with new templates keeps the robots' rate budgets.
	Pacer dispatch.Pacer
	// HTTPClient posts to the robots.
	HTTPClient *http.Client
	// Owner names this process in outbox leases.
	Owner string
	// Calls counts this process's pull, refresh and write-back calls over
	// the last minute (APIUse, without a shared budget).
	Calls *fetch.CallCount
	// MarkLinks signs the mark links alerts carry; nil unless
	// console.base_url is set.
	MarkLinks *marklink.Signer

	// What rules.yaml and the templates make, swapped whole by Reload and
	// Observe, one at a time.
	live     atomic.Pointer[Live]
	reload   sync.Mutex
	observer Observer
	refused  string // the rules version Follow found not to check, reported once
}

// Options tune New; the zero value is fine.
type Options struct {
	// HTTPClient is used for the robots (nil: a client with a 15s timeout).
	HTTPClient *http.Client
}

// New opens the store and builds the pipeline. Close releases it.
func New(ctx context.Context, cfg *config.Config, logger *slog.Logger, opts Options) (*App, error) {
	tmpl, err := receiver.Platforms().LoadTemplates(cfg.Templates)
	if err != nil {
		return nil, &ConfigError{err}
	}
	text, rules, err := readRules(cfg, tmpl)
	if err != nil {
		return nil, err
	}
	client := opts.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	a := &App{Config: cfg, Log: logger, Rules: &atomic.Pointer[route.Rules]{},
		Pacer: &dispatch.MemoryPacer{}, HTTPClient: client}
	a.Rules.Store(rules)
	if a.Store, err = OpenStore(ctx, cfg, logger); err != nil {
		return nil, err
	}
	a.Names = NewNamer(cfg, a.Store)
	a.Leads = &dispatch.Leads{Zone: cfg.Location, AccountNames: a.AccountNames, Rules: a.Rules}
	// The store decides which rules are in force: the file counts only
	// when it changed since it was last seen (see rulesdiff.Adopt).
	inForce, version, err := a.adopt(text, rules, tmpl)
	switch {
	case IsConfigError(err):
		logger.Error("the rules in force do not check; routing by rules.yaml until they are changed", "err", err)
	case err != nil:
		return nil, errors.Join(err, a.Store.Close())
	default:
		rules = inForce
		a.Rules.Store(rules)
	}
	receivers, plain, err := a.senders(rules, tmpl)
	if err != nil {
		return nil, errors.Join(err, a.Store.Close())
	}
	if p, ok := a.Store.(store.Pacing); ok {
		// Robots' budgets live in the store: every process sending to a
		// robot (two `cluebot once` in a row, several instances) shares them.
		a.Pacer = dispatch.StorePacer{Store: p}
	}
	if cfg.Console.BaseURL != "" {
		if a.MarkLinks, err = newMarkLinks(ctx, cfg.Console.BaseURL, a.Store); err != nil {
			_ = a.Store.Close() // the mark-link error is the one to report
			return nil, err
		}
		tmpl.SetMarkLink(a.MarkLinks.URL)
	}
	a.Owner = newOwner()
	a.Calls = fetch.NewCallCount(nil)
	a.Syncer, a.Tokens = newSyncer(cfg, a.Store, logger, a.Owner, a.notifyReauth, a.Calls)
	a.Syncer.Normalize = a.normalize
	a.Syncer.Hot = a.Store.HasOpenFollowups
	a.Router = dispatch.NewRouter(a.Store, a.Leads, logger, nil)
	a.Router.MaxAge = cfg.Alerts.MaxAge
	a.Followups = followup.New(a.Store, a.Rules, logger, nil)
	a.Syncer.Changed = a.Followups.Changed
	a.Syncer.Open = a.Store
	a.use(&Live{Rules: rules, RulesVersion: version, Templates: tmpl, Notifiers: plain, Deliverer: a.deliverer(receivers, nil)})
	return a, nil
}

// Receivers builds a sender for every chat receiver of the config with the
// templates tmpl (email receivers only take reports and are skipped). wrap,
// when set, wraps each notifier (metrics).
func (a *App) Receivers(tmpl *notify.Templates, wrap func(name string, n notify.Notifier) notify.Notifier) ([]*dispatch.Receiver, error) {
	var receivers []*dispatch.Receiver
	for _, name := range slices.Sorted(maps.Keys(a.Config.Receivers)) {
		rc := a.Config.Receivers[name]
		if rc.Type == notify.TypeEmail {
			continue
		}
		n, err := receiver.Build(name, &rc, tmpl, a.Log.With("receiver", name), a.HTTPClient)
		if err != nil {
			return nil, &ConfigError{fmt.Errorf("receiver %s: %w", name, err)}
		}
		if wrap != nil {
			n = wrap(name, n)
		}
		receivers = append(receivers, &dispatch.Receiver{Name: name, Config: rc, Notifier: n, MaxDigest: receiver.MaxDigest(rc.Type)})
	}
	return receivers, nil
}

// NewDeliverer builds a deliverer over receivers that shares the app's
// store, pacer and lease owner, with the configured lease and retry waits.
func (a *App) NewDeliverer(receivers []*dispatch.Receiver) *dispatch.Deliverer {
	d := dispatch.NewDeliverer(a.Store, receivers, a.Leads, a.Pacer, a.Owner, a.Log, nil)
	al := a.Config.Alerts
	if al.Lease > 0 {
		d.Lease = al.Lease
	}
	d.RetryBackoff, d.RetryMax = al.RetryBackoff, al.RetryMax
	return d
}

// Close releases the store.
func (a *App) Close() error { return a.Store.Close() }

// normalize fills a stored clue's province, city and store by the rules'
// field mapping, so routing, reports and SQL see the same places: they are
// the places of the lead the clue makes (transform.FromClue).
func (a *App) normalize(c *clue.Clue, sc *store.Clue) {
	if a.Rules.Load() == nil || sc.Province != "" && sc.City != "" && sc.Store != "" {
		return
	}
	l := transform.FromClue(c, sc, a.Leads.Options())
	sc.Province, sc.City, sc.Store = l.Province, l.City, l.Store
}

// OpenStore opens the configured store backend with the key ring that
// seals tokens at rest (see Keys), and seals tokens still stored in clear.
func OpenStore(ctx context.Context, cfg *config.Config, logger *slog.Logger) (store.Store, error) {
	keys, err := Keys(cfg)
	if err != nil {
		return nil, err
	}
	secret.WarnIfNoKey(keys, logger)
	var st store.Store
	switch cfg.Store.Driver {
	case "sqlite":
		st, err = sqlite.Open(ctx, cfg.Store.DSN, sqlite.Options{Logger: logger, Keys: keys})
	case "postgres":
		st, err = postgres.Open(ctx, cfg.Store.DSN, postgres.Options{Logger: logger, Keys: keys})
	default:
		return nil, &ConfigError{fmt.Errorf("store.driver %q is not available", cfg.Store.Driver)}
	}
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := sealPlaintext(ctx, st, keys, logger); err != nil {
		return nil, errors.Join(err, st.Close())
	}
	return st, nil
}

// newOwner names this process in leases: host, pid and a nonce.
func newOwner() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d-%d", host, os.Getpid(), time.Now().UnixNano()%1e6)
}

// NewSyncer wires the Kuaishou client, token manager and syncer: the
// configured accounts and the advertisers of the store's authorizations.
// An authorization that comes to need re-auth is logged.
func NewSyncer(cfg *config.Config, st store.Store, logger *slog.Logger) *fetch.Syncer {
	s, _ := newSyncer(cfg, st, logger, newOwner(), nil, nil)
	return s
}

func newSyncer(cfg *config.Config, st store.Store, logger *slog.Logger, owner string, onReauth fetch.ReauthFunc,
	calls *fetch.CallCount) (*fetch.Syncer, *fetch.Tokens) {
	client := fetch.NewClient(&cfg.Kuaishou, nil, logger)
	if p, ok := st.(store.Pacing); ok && cfg.Kuaishou.CallsPerMinute > 0 {
		// The developer app's budget, shared by every instance on the store.
		client.AddLimiter(fetch.Budget{Store: p, PerMinute: cfg.Kuaishou.CallsPerMinute})
	}
	if calls != nil {
		client.AddLimiter(calls)
	}
	tokens := fetch.NewTokens(client, st, &cfg.Kuaishou, logger, time.Now)
	tokens.UseAuthorizations(st, owner, onReauth)
	s := fetch.NewSyncer(&cfg.Kuaishou, client, tokens, st, logger, time.Now)
	s.Auths = st
	return s, tokens
}
