package app

import (
	"context"
	"time"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/writeback"
)

// WriteBack returns the writer of marks to the vendor's CRM, or nil unless
// kuaishou.write_back is set (and the store keeps a write-back queue). Its
// calls take slots of the same API budget as the pulls and use the
// syncer's tokens.
func (a *App) WriteBack() *writeback.Writer {
	wbs, ok := a.Store.(store.WriteBacks)
	if !a.Config.Kuaishou.WriteBack || !ok || a.Tokens == nil {
		return nil
	}
	client := fetch.NewClient(&a.Config.Kuaishou, nil, a.Log)
	if p, ok := a.Store.(store.Pacing); ok && a.Config.Kuaishou.CallsPerMinute > 0 {
		client.AddLimiter(fetch.Budget{Store: p, PerMinute: a.Config.Kuaishou.CallsPerMinute})
	}
	if a.Calls != nil {
		client.AddLimiter(a.Calls)
	}
	return &writeback.Writer{Store: wbs, API: client, Now: time.Now, Log: a.Log.With("component", "write-back"),
		Tokens: a.accountToken}
}

// accountToken is the token source of advertiser id among the accounts
// pulled now, from cluebot.yaml or an authorization (fetch.Syncer.Accounts),
// so a mark on an authorized advertiser's lead is written with its
// authorization's token.
func (a *App) accountToken(id int64) (fetch.TokenSource, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	accounts, err := a.Syncer.Accounts(ctx)
	if err != nil {
		a.Log.Warn("write-back: accounts not read", "err", err)
		accounts = a.Config.Kuaishou.Accounts
	}
	for _, acct := range accounts {
		if acct.AdvertiserID == id {
			return a.Tokens.Source(acct), true
		}
	}
	return nil, false
}
