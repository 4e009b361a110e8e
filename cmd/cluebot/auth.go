package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/onboard"
	"github.com/cluebot/cluebot/store"
)

const authUsage = "usage: cluebot auth url [--agent] | auth add --code CODE | auth list [--json]"

// cmdAuth implements `cluebot auth url|add|list`: authorizations kept in
// the store instead of tokens in cluebot.yaml. No token is ever printed.
func cmdAuth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageErr(authUsage)
	}
	sub := args[0]
	fs, cfgPath := newFlags("auth "+sub, stderr)
	agent := fs.Bool("agent", false, "url: ask for an agency authorization (oauth_type=agent)")
	code := fs.String("code", "", "add: the auth_code the authorize page handed out")
	asJSON := fs.Bool("json", false, "list: print JSON")
	switch sub {
	case "url", "add", "list":
	default:
		return usageErr(authUsage)
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if sub == "add" && *code == "" {
		return usageErr("auth add: --code is required")
	}
	cfg, st, err := openConfigStore(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	o := app.NewOnboarder(cfg.Kuaishou, st, newLogger(cfg, stderr))
	switch sub {
	case "url":
		if _, err := cfg.Kuaishou.AuthorizeURL("check", *agent); err != nil {
			return &exitError{code: 2, err: err} // a config key is missing
		}
		u, err := o.AuthURL(ctx, *agent)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, u)
		fmt.Fprintf(stderr, "open it (or send it to whoever approves) within %s; the browser comes back to %s\n",
			store.OAuthStateTTL, cfg.Kuaishou.OAuth.RedirectURL)
	case "add":
		r, err := o.Authorize(ctx, *code, *agent)
		if r.AuthorizationID == 0 && err != nil {
			return err
		}
		fmt.Fprintf(stdout, "authorization %d (%s, account %d): %d advertisers, %d new, %d left\n",
			r.AuthorizationID, r.Type, r.AdvertiserID, r.Advertisers, len(r.Added), len(r.Left))
		return err
	case "list":
		return authList(ctx, st, *asJSON, cfg.Location, stdout)
	}
	return nil
}

// authLine is one authorization of `auth list --json`.
type authLine struct {
	ID               string  `json:"id"`
	Type             string  `json:"type"`
	AdvertiserID     string  `json:"advertiser_id"`
	Advertisers      int     `json:"advertisers"`
	RefreshExpiresAt *string `json:"refresh_expires_at"` // as accounts --json writes times
	Status           string  `json:"status"`
	Error            string  `json:"error"`
}

func authList(ctx context.Context, st store.Store, asJSON bool, loc *time.Location, stdout io.Writer) error {
	auths, err := st.Authorizations(ctx)
	if err != nil {
		return err
	}
	lines := make([]authLine, len(auths))
	for i, a := range auths {
		lines[i] = authLine{ID: strconv.FormatInt(a.ID, 10), Type: a.Type, AdvertiserID: strconv.FormatInt(a.AdvertiserID, 10),
			Advertisers: a.Advertisers, Status: a.Status, Error: a.LastError}
		lines[i].RefreshExpiresAt = onboard.JSONTime(a.RefreshExpiresAt.In(loc))
	}
	if asJSON {
		return printJSON(stdout, lines)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTYPE\tACCOUNT\tADVERTISERS\tREFRESH EXPIRES\tSTATUS\tERROR")
	for i, l := range lines {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", l.ID, l.Type, l.AdvertiserID, l.Advertisers,
			onboard.ShowTime(auths[i].RefreshExpiresAt, loc), l.Status, l.Error)
	}
	return tw.Flush()
}

// openConfigStore loads the config named by -c and opens its store.
func openConfigStore(ctx context.Context, cfgPath string, stderr io.Writer) (*config.Config, store.Store, error) {
	cfg, err := loadConfig(cfgPath)
	if err != nil {
		return nil, nil, err
	}
	st, err := openStore(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return nil, nil, err
	}
	return cfg, st, nil
}

// printJSON writes v as indented JSON, as the --json flags print.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
