package console

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/cluebot/cluebot/report"
	"github.com/cluebot/cluebot/store"
)

// DefaultSessionTTL is how long a sign-in lasts when the config says nothing.
const DefaultSessionTTL = 12 * time.Hour

// Console serves the pages under / and the JSON API under /api/. It is safe
// for concurrent use; SetUsers swaps the users while it serves.
type Console struct {
	st     store.Store
	log    *slog.Logger
	clock  clockwork.Clock
	ttl    time.Duration
	origin string // scheme://host of base_url; "" accepts the request's own host
	secure bool   // cookies Secure: base_url is https
	zone   *time.Location
	pages  map[string]*template.Template
	rules  atomic.Pointer[rulesMount] // nil: no rules page (SetRules)

	configured []int64                                   // the accounts of cluebot.yaml
	names      *store.Namer                              // every account's name
	silence    store.Silence                             // which ok accounts are silent
	authorize  AuthorizeFunc                             // nil: no authorize URL here
	report     func() report.Options                     // nil: report.Options of the zone and names
	apiUse     func(ctx context.Context) (APIUse, error) // nil: no API budget card

	counts countsCache // the overview's accounts by status

	mu    sync.RWMutex
	users map[string]User
	dummy []byte // a bcrypt hash unknown names are checked against
}

// New builds the console of cfg over st. logger and clock may be nil (a
// discarding logger, the real clock).
func New(cfg Config, st store.Store, logger *slog.Logger, clock clockwork.Clock) (*Console, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	zone := cfg.Zone
	if zone == nil {
		var err error
		if zone, err = time.LoadLocation("Asia/Shanghai"); err != nil {
			return nil, fmt.Errorf("console: load zone: %w", err)
		}
	}
	c := &Console{st: st, log: logger.With("component", "console"), clock: clock, ttl: cfg.SessionTTL, zone: zone,
		names: cfg.Names, silence: cfg.Silence, authorize: cfg.Authorize, report: cfg.Report, apiUse: cfg.APIUse}
	if c.names == nil {
		c.names = store.NewNamer(cfg.Accounts, nil, st, clock.Now)
	}
	for id := range cfg.Accounts {
		c.configured = append(c.configured, id)
	}
	if c.ttl <= 0 {
		c.ttl = DefaultSessionTTL
	}
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("console.base_url: %q is not a URL with a host", cfg.BaseURL)
		}
		c.origin = u.Scheme + "://" + u.Host
		c.secure = u.Scheme == "https"
	}
	var err error
	if c.pages, err = parsePages(); err != nil {
		return nil, err
	}
	if err := c.setUsers(cfg.Users); err != nil {
		return nil, err
	}
	return c, nil
}

// SetUsers makes users the ones who may sign in, as the daemon does when
// cluebot.yaml changes: the sessions of users no longer listed end at once.
// A user whose role changed keeps the session with the new role.
func (c *Console) SetUsers(ctx context.Context, users []User) error {
	if err := c.setUsers(users); err != nil {
		return err
	}
	names := make([]string, 0, len(users))
	for _, u := range users {
		names = append(names, u.Name)
	}
	n, err := c.st.DeleteSessionsExcept(ctx, names)
	if err != nil {
		return fmt.Errorf("console: end sessions of removed users: %w", err)
	}
	if n > 0 {
		c.log.Info("console users changed: sessions of removed users ended", "sessions", n)
	}
	return nil
}

// user returns the configured user called name.
func (c *Console) user(name string) (User, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	u, ok := c.users[name]
	return u, ok
}

// Handler serves the console: every response carries the security headers.
func (c *Console) Handler() http.Handler {
	mux := http.NewServeMux()
	c.routes(mux)
	return Headers(mux)
}

// Headers sets the console's security headers on every response of next:
// a CSP allowing only the console's own files (no inline script, no
// framing), nosniff, no referrer to other sites, and no caching of pages
// that hold customers' phones.
func Headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
