package app

import (
	"context"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/store"
)

// budgetNoticeKey and budgetNoticeSpan: the notice that the API budget is
// short goes out once a day at most, between every instance on the store.
const (
	budgetNoticeKey  = "\x01notice:budget-short"
	budgetNoticeSpan = 24 * time.Hour
)

// CheckBudget makes `config check`'s API-budget check again with every
// account there is to pull: those of cluebot.yaml and of the store's
// authorizations, an advertiser in both counted once. When
// kuaishou.calls_per_minute cannot poll them all at least every
// max_staleness it logs an error each time and tells ops_receivers (once a
// day at most, across instances), and returns the check's error; nil
// without a budget or when it suffices.
func (a *App) CheckBudget(ctx context.Context, now time.Time) error {
	k := a.Config.Kuaishou
	if k.CallsPerMinute <= 0 {
		return nil
	}
	accounts, err := a.Syncer.Accounts(ctx)
	if err != nil {
		a.Log.Warn("the API budget check could not count the accounts; checked again after the next discovery", "err", err)
		return fmt.Errorf("api budget check: %w", err)
	}
	n := len(accounts)
	short := k.CheckBudget(n)
	if short == nil {
		return nil
	}
	every := max(k.MaxStaleness, k.PollInterval)
	a.Log.Error("the API budget cannot cover every account: quiet accounts will be polled less often than max_staleness",
		"accounts", n, "config_accounts", len(k.Accounts), "authorized_accounts", n-len(k.Accounts),
		"calls_needed_per_minute", k.BudgetCalls(n), "calls_per_minute", k.CallsPerMinute, "max_staleness", every)
	if p, ok := a.Store.(store.Pacing); ok {
		first, _, err := p.TakeSendSlot(ctx, budgetNoticeKey, now, []store.SendLimit{{Max: 1, Per: budgetNoticeSpan}})
		if err != nil {
			a.Log.Warn("api budget notice: the store could not say whether it was sent; not sent", "err", err)
			return short
		}
		if !first {
			return short
		}
	}
	a.Notice(ctx, &notify.Notice{Title: "快手 API 调用配额不够拉取所有账户", Lines: []string{
		fmt.Sprintf("共 %d 个账户（cluebot.yaml %d 个，授权 %d 个），每 %s 至少拉取一次需要每分钟 %d 次调用，配额 kuaishou.calls_per_minute 只有 %d。",
			n, len(k.Accounts), n-len(k.Accounts), every, k.BudgetCalls(n), k.CallsPerMinute),
		"安静的账户会比 max_staleness 更久才拉取一次。请提高 calls_per_minute 或 max_staleness。",
	}})
	return short
}

// BudgetNote is what `config check` says of its API-budget check, which
// counts the accounts of cluebot.yaml only: authorized accounts live in the
// store and are counted by `run`. Empty without a budget.
func BudgetNote(cfg *config.Config) string {
	k := cfg.Kuaishou
	if k.CallsPerMinute <= 0 {
		return ""
	}
	return fmt.Sprintf("kuaishou.calls_per_minute: %d calls a minute checked against the %d accounts in cluebot.yaml "+
		"(%d calls a minute needed); accounts of authorizations are checked by cluebot run, at start and after each discovery",
		k.CallsPerMinute, len(k.Accounts), k.StalenessCalls())
}
