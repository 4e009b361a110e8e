// Package console is the web console and its JSON API: signed-in admins
// and viewers see what happened to each lead and fix what failed.
package console

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/cluebot/cluebot/report"
	"github.com/cluebot/cluebot/store"
)

// Config is the `console:` section of cluebot.yaml. The console is served
// on http.listen when Users is not empty.
type Config struct {
	// BaseURL is how people reach the console (links in alerts, the OAuth
	// redirect); a browser's Origin must match it, and its https scheme
	// makes the session cookie Secure. Empty: the request's own host.
	BaseURL    string        `koanf:"base_url"`
	SessionTTL time.Duration `koanf:"session_ttl"`
	Users      []User        `koanf:"users"`

	// Zone is the zone of days in pages and searches (the config's
	// timezone, set by the config package); nil is Beijing time.
	Zone *time.Location `koanf:"-"`
	// Accounts are the accounts configured in cluebot.yaml, by advertiser
	// id, with their names (set by the daemon); the accounts page lists
	// them with the authorizations' accounts.
	Accounts map[int64]string `koanf:"-"`
	// Names names every account (the daemon passes its app's store.Namer);
	// nil: a Namer of Accounts' names over those imported into the store.
	Names *store.Namer `koanf:"-"`
	// Silence says which ok accounts the accounts page calls silent
	// (kuaishou.silent_after; the daemon sets it); zero: none.
	Silence store.Silence `koanf:"-"`
	// Authorize makes the vendor's authorize URL (the daemon passes
	// fetch.Config.AuthorizeURL); nil: the accounts page shows the command
	// that makes one instead.
	Authorize AuthorizeFunc `koanf:"-"`
	// Report gives the daily report's options in force (the daemon passes
	// its app's, which follow reloaded rules); nil: the zone and account
	// names only.
	Report func() report.Options `koanf:"-"`
	// APIUse gives the API calls of the last minute against their limit,
	// for the overview (the daemon passes its app's); nil: no card.
	APIUse func(ctx context.Context) (APIUse, error) `koanf:"-"`
}

// APIUse is the overview's API budget card: calls made in the last minute
// against kuaishou.calls_per_minute (Shared: every instance's, counted in
// the store) or, without it, against qps × 60 (this instance's).
type APIUse struct {
	Calls  int
	Limit  int // 0: nothing bounds the calls
	Shared bool
}

// Percent is Calls as a share of Limit, rounded down; 0 without a limit.
func (u APIUse) Percent() int {
	if u.Limit <= 0 {
		return 0
	}
	return u.Calls * 100 / u.Limit
}

// User is one console account. PasswordHash is a bcrypt hash, as
// `cluebot user hash` prints.
type User struct {
	Name         string `koanf:"name"`
	Role         string `koanf:"role"`
	PasswordHash string `koanf:"password_hash"`
}

// Enabled reports whether the console is served.
func (c *Config) Enabled() bool { return len(c.Users) > 0 }

// Validate checks the section and returns every problem, each naming its
// key (console.users.N.role: ...).
func (c *Config) Validate() []error {
	var errs []error
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("console.base_url: %q is not a URL", c.BaseURL))
		case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
			errs = append(errs, fmt.Errorf("console.base_url: %q is not an http:// or https:// URL with a host", c.BaseURL))
		case u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "", u.User != nil:
			errs = append(errs, fmt.Errorf("console.base_url: %q must be scheme://host[:port] only (the console serves at /)", c.BaseURL))
		}
	}
	if c.SessionTTL < time.Minute {
		errs = append(errs, fmt.Errorf("console.session_ttl: %s is shorter than 1m", c.SessionTTL))
	}
	seen := map[string]int{}
	for i, u := range c.Users {
		key := fmt.Sprintf("console.users.%d", i)
		switch {
		case strings.TrimSpace(u.Name) == "":
			errs = append(errs, fmt.Errorf("%s.name: must be set", key))
		case u.Name != strings.TrimSpace(u.Name):
			errs = append(errs, fmt.Errorf("%s.name: %q has leading or trailing spaces", key, u.Name))
		default:
			if j, ok := seen[u.Name]; ok {
				errs = append(errs, fmt.Errorf("%s.name: %q is also console.users.%d", key, u.Name, j))
			}
			seen[u.Name] = i
		}
		if u.Role != store.RoleAdmin && u.Role != store.RoleViewer {
			errs = append(errs, fmt.Errorf("%s.role: %q is not one of admin, viewer", key, u.Role))
		}
		if err := checkHash(u.PasswordHash); err != nil {
			errs = append(errs, fmt.Errorf("%s.password_hash: %w", key, err))
		}
	}
	return errs
}

// checkHash accepts a bcrypt hash ($2a$, $2b$ or $2y$, cost 10..31) and
// never echoes the value: a password pasted by mistake stays out of logs.
func checkHash(h string) error {
	if h == "" {
		return fmt.Errorf("must be set (make one with `cluebot user hash`)")
	}
	cost, err := bcrypt.Cost([]byte(h))
	if err != nil || len(h) != 60 {
		return fmt.Errorf("is not a bcrypt hash (make one with `cluebot user hash`)")
	}
	if cost < bcrypt.DefaultCost {
		return fmt.Errorf("bcrypt cost %d is below %d", cost, bcrypt.DefaultCost)
	}
	return nil
}

// HashPassword returns the bcrypt hash of password at the default cost, as
// console.users[].password_hash takes it.
func HashPassword(password string) (string, error) {
	if password == "" {
		return "", fmt.Errorf("empty password")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}
