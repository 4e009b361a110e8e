package fetch

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// DefaultAuthorizeURL is the vendor's authorize page, kuaishou.oauth.authorize_url's default.
const DefaultAuthorizeURL = "https://developers.e.kuaishou.com/tools/authorize"

// CallbackPath is where cluebot's HTTP server takes the browser back from the
// authorize page; the redirect URL is console.base_url + CallbackPath unless
// kuaishou.oauth.redirect_url names another.
const CallbackPath = "/oauth/kuaishou/callback"

// OAuthConfig is the `kuaishou.oauth:` section: how an agency or an
// advertiser authorizes the developer app in a browser.
type OAuthConfig struct {
	// AuthorizeURL is the vendor's authorize page.
	AuthorizeURL string `koanf:"authorize_url"`
	// RedirectURL is the app's registered 回调地址, where the browser lands
	// with the code; empty until set here or derived from console.base_url.
	RedirectURL string `koanf:"redirect_url"`
	// Scope is passed to the authorize page as the vendor wants it: a JSON
	// array of the permission names.
	Scope []string `koanf:"scope"`
}

// Validate checks the section and names the offending key.
func (o *OAuthConfig) Validate() error {
	if !httpURL(o.AuthorizeURL) {
		return fmt.Errorf("kuaishou.oauth.authorize_url: %q is not an http(s) URL", o.AuthorizeURL)
	}
	if o.RedirectURL != "" && !httpURL(o.RedirectURL) {
		return fmt.Errorf("kuaishou.oauth.redirect_url: %q is not an http(s) URL", o.RedirectURL)
	}
	for i, s := range o.Scope {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("kuaishou.oauth.scope.%d: must not be empty", i)
		}
	}
	return nil
}

// httpURL reports whether s is an absolute http or https URL.
func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// AuthorizeURL returns the authorize page's address for one authorization:
// {authorize_url}?app_id=…&redirect_uri=…&state=…&scope=…, with
// oauth_type=agent when an agency authorizes (one token pair for every
// advertiser it runs); without it one advertiser authorizes. state is the
// single-use value the callback checks. Query parameters already in
// authorize_url are kept.
func (c *Config) AuthorizeURL(state string, agent bool) (string, error) {
	switch {
	case c.AppID <= 0:
		return "", errors.New("kuaishou.app_id: the authorize page needs the developer app's id")
	case c.OAuth.RedirectURL == "":
		return "", fmt.Errorf("kuaishou.oauth.redirect_url: not set (nor console.base_url, to receive %s)", CallbackPath)
	case state == "":
		return "", errors.New("authorize url: state must not be empty")
	}
	u, err := url.Parse(c.OAuth.AuthorizeURL)
	if err != nil || !httpURL(c.OAuth.AuthorizeURL) {
		return "", fmt.Errorf("kuaishou.oauth.authorize_url: %q is not an http(s) URL", c.OAuth.AuthorizeURL)
	}
	q := u.Query()
	q.Set("app_id", strconv.FormatInt(c.AppID, 10))
	q.Set("redirect_uri", c.OAuth.RedirectURL)
	q.Set("state", state)
	if len(c.OAuth.Scope) > 0 {
		scope, _ := json.Marshal(c.OAuth.Scope) // a []string always encodes
		q.Set("scope", string(scope))
	}
	if agent {
		q.Set("oauth_type", "agent")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}
