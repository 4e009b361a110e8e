package fetch

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cluebot/cluebot/secret"
)

// MaxPageSize is the largest page the client asks for; sibling endpoints of
// the vendor cap page_size at 500.
const MaxPageSize = 500

// Config is the `kuaishou:` section of cluebot.yaml. Defaults live in the
// config package.
type Config struct {
	BaseURL      string        `koanf:"base_url"`
	AppID        int64         `koanf:"app_id"`
	Secret       secret.String `koanf:"secret"`
	PageSize     int           `koanf:"page_size"`
	PollInterval time.Duration `koanf:"poll_interval"`
	Lookback     time.Duration `koanf:"lookback"`
	Backfill     time.Duration `koanf:"backfill"`
	// Window is the longest time range asked for in one paged listing;
	// longer ranges (backfills) are split and synced oldest first.
	Window time.Duration `koanf:"window"`
	// QPS bounds calls to the API across all accounts; 0 means unlimited.
	QPS float64 `koanf:"qps"`
	// Concurrency bounds how many accounts are pulled at once.
	Concurrency int `koanf:"concurrency"`
	// Timeout bounds one HTTP call.
	Timeout time.Duration `koanf:"timeout"`
	// Retries is how many times a failed call is retried.
	Retries      int           `koanf:"retries"`
	RetryBackoff time.Duration `koanf:"retry_backoff"` // first backoff, doubled each retry
	RetryMax     time.Duration `koanf:"retry_max"`     // backoff cap
	// MaxStaleness bounds how long a quiet account goes unpolled when the
	// daemon polls adaptively (on PostgreSQL, or with CallsPerMinute set);
	// never less than PollInterval.
	MaxStaleness time.Duration `koanf:"max_staleness"`
	// HotWindow is how long an account that had new clues keeps being
	// polled every PollInterval, when polling adaptively, before it backs
	// off towards MaxStaleness.
	HotWindow time.Duration `koanf:"hot_window"`
	// CallsPerMinute is the developer app's API budget shared by every
	// instance using the store; 0 means no shared budget (qps still applies).
	CallsPerMinute int `koanf:"calls_per_minute"`
	// RefreshAhead refreshes an access token this long before it expires.
	RefreshAhead time.Duration `koanf:"refresh_ahead"`
	Accounts     []Account     `koanf:"accounts"`
	// OAuth is how authorizations are made in a browser.
	OAuth OAuthConfig `koanf:"oauth"`
	// DiscoverInterval is how often each authorization's advertiser list is
	// read again, to find advertisers that joined or left it; at least 1s,
	// like poll_interval (each reading costs a call per 1,000 advertisers).
	DiscoverInterval time.Duration `koanf:"discover_interval"`
	// SilentAfter: an account with no clue for this long is announced once
	// to ops_receivers; 0 turns it off.
	SilentAfter time.Duration `koanf:"silent_after"`
	// AccountNames names accounts the vendor gives no name for, by id.
	AccountNames map[int64]string `koanf:"account_names"`
	// WriteBack writes a mark made in cluebot (已联系, 无效) to the vendor's
	// CRM with clue_mark/update.
	WriteBack bool `koanf:"write_back"`
}

// Account is one advertiser account to pull.
type Account struct {
	AdvertiserID int64         `koanf:"advertiser_id"`
	Name         string        `koanf:"name"`
	AccessToken  secret.String `koanf:"access_token"`
	RefreshToken secret.String `koanf:"refresh_token"`
	// AuthorizationID, when set, is the store's authorization the account
	// is pulled under, with its tokens (never set from the config).
	AuthorizationID int64 `koanf:"-"`
}

// Label names the account for logs: its name and id.
func (a Account) Label() string {
	if a.Name == "" {
		return fmt.Sprint(a.AdvertiserID)
	}
	return fmt.Sprintf("%s(%d)", a.Name, a.AdvertiserID)
}

// CanRefresh reports whether tokens can be refreshed with this config.
func (c *Config) CanRefresh(a Account) bool {
	return c.AppID != 0 && !c.Secret.IsZero() && !a.RefreshToken.IsZero()
}

// Validate checks the section and names the offending key.
func (c *Config) Validate() error {
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("kuaishou.base_url: %q is not an http(s) URL", c.BaseURL)
	}
	switch {
	case c.AppID < 0:
		return fmt.Errorf("kuaishou.app_id: %d is not an app id", c.AppID)
	case c.PageSize < 1 || c.PageSize > MaxPageSize:
		return fmt.Errorf("kuaishou.page_size: %d is not within 1..%d", c.PageSize, MaxPageSize)
	case c.PollInterval < time.Second:
		return fmt.Errorf("kuaishou.poll_interval: %s is shorter than 1s", c.PollInterval)
	case c.Lookback < 0:
		return errors.New("kuaishou.lookback: must not be negative")
	case c.Backfill <= 0:
		return errors.New("kuaishou.backfill: must be positive")
	case c.Window < time.Minute:
		return fmt.Errorf("kuaishou.window: %s is shorter than 1m", c.Window)
	case c.QPS < 0:
		return errors.New("kuaishou.qps: must not be negative (0 means unlimited)")
	case c.Concurrency < 1:
		return errors.New("kuaishou.concurrency: must be at least 1")
	case c.Timeout <= 0:
		return errors.New("kuaishou.timeout: must be positive")
	case c.Retries < 0:
		return errors.New("kuaishou.retries: must not be negative")
	case c.RetryBackoff <= 0 || c.RetryMax < c.RetryBackoff:
		return errors.New("kuaishou.retry_backoff: must be positive and not above retry_max")
	case c.MaxStaleness < 0:
		return errors.New("kuaishou.max_staleness: must not be negative")
	case c.HotWindow < 0:
		return errors.New("kuaishou.hot_window: must not be negative")
	case c.CallsPerMinute < 0:
		return errors.New("kuaishou.calls_per_minute: must not be negative (0: no shared budget)")
	case c.CheckBudget(len(c.Accounts)) != nil:
		return c.CheckBudget(len(c.Accounts))
	case c.RefreshAhead < 0:
		return errors.New("kuaishou.refresh_ahead: must not be negative")
	case c.DiscoverInterval < time.Second:
		return fmt.Errorf("kuaishou.discover_interval: %s is shorter than 1s", c.DiscoverInterval)
	case c.SilentAfter < 0:
		return errors.New("kuaishou.silent_after: must not be negative (0 turns it off)")
	case c.SilentAfter > 0 && c.SilentAfter < time.Hour:
		return fmt.Errorf("kuaishou.silent_after: %s is shorter than 1h (0 turns it off)", c.SilentAfter)
	}
	if err := c.OAuth.Validate(); err != nil {
		return err
	}
	for _, id := range slices.Sorted(maps.Keys(c.AccountNames)) {
		switch name := c.AccountNames[id]; {
		case id <= 0:
			return fmt.Errorf("kuaishou.account_names.%d: must be a positive advertiser id", id)
		case strings.TrimSpace(name) == "":
			return fmt.Errorf("kuaishou.account_names.%d: the name must not be empty", id)
		}
	}
	seen := map[int64]bool{}
	for i, a := range c.Accounts {
		switch {
		case a.AdvertiserID <= 0:
			return fmt.Errorf("kuaishou.accounts.%d.advertiser_id: must be a positive id", i)
		case seen[a.AdvertiserID]:
			return fmt.Errorf("kuaishou.accounts.%d.advertiser_id: %d is listed twice", i, a.AdvertiserID)
		case a.AccessToken.IsZero() && a.RefreshToken.IsZero():
			return fmt.Errorf("kuaishou.accounts.%d.access_token: set access_token or refresh_token", i)
		case a.AccessToken.IsZero() && !c.CanRefresh(a):
			return fmt.Errorf("kuaishou.accounts.%d.access_token: must be set: a refresh token alone needs kuaishou.app_id and kuaishou.secret", i)
		}
		seen[a.AdvertiserID] = true
	}
	return nil
}
