package app

import (
	"log/slog"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/onboard"
	"github.com/cluebot/cluebot/store"
)

// Onboarder wires agency onboarding (auth url, auth add, the callback,
// discovery) on the app's store, with a vendor client that spends the
// developer app's shared call budget.
func (a *App) Onboarder() *onboard.Onboarder {
	o := NewOnboarder(a.Config.Kuaishou, a.Store, a.Log)
	if a.Tokens != nil {
		o.Token, o.Refresh, o.Stored = a.Tokens.AuthToken, a.Tokens.AuthRefresh, a.Tokens.ReloadAuth
	}
	return o
}

// NewOnboarder wires agency onboarding on st from the kuaishou section,
// for commands that need no more of the app.
func NewOnboarder(cfg fetch.Config, st store.Store, logger *slog.Logger) *onboard.Onboarder {
	client := fetch.NewClient(&cfg, nil, logger)
	if p, ok := st.(store.Pacing); ok && cfg.CallsPerMinute > 0 {
		client.AddLimiter(fetch.Budget{Store: p, PerMinute: cfg.CallsPerMinute})
	}
	return &onboard.Onboarder{Store: st, Vendor: client, OAuth: &cfg, Log: logger}
}
