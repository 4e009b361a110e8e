package app

import (
	"context"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/fetch"
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
// max_staleness, or, without it on a store of one instance (every account
// pulled each poll_interval), kuaishou.qps cannot pull them all within
// poll_interval, it logs an error each time and tells ops_receivers (once a
// day at most, across instances), and returns the check's error; nil when
// the budget suffices or nothing bounds the calls.
func (a *App) CheckBudget(ctx context.Context, now time.Time) error {
	k := a.Config.Kuaishou
	if k.CallsPerMinute <= 0 && (a.Adaptive() || k.QPS <= 0) {
		return nil
	}
	accounts, err := a.Syncer.Accounts(ctx)
	if err != nil {
		a.Log.Warn("the API budget check could not count the accounts; checked again after the next discovery", "err", err)
		return fmt.Errorf("api budget check: %w", err)
	}
	n := len(accounts)
	counts := fmt.Sprintf("共 %d 个账户（cluebot.yaml %d 个，授权 %d 个）", n, len(k.Accounts), n-len(k.Accounts))
	var lines []string
	if k.CallsPerMinute > 0 {
		short := k.CheckBudget(n)
		if short == nil {
			return nil
		}
		every := max(k.MaxStaleness, k.PollInterval)
		a.Log.Error("the API budget cannot cover every account: quiet accounts will be polled less often than max_staleness",
			"accounts", n, "config_accounts", len(k.Accounts), "authorized_accounts", n-len(k.Accounts),
			"calls_needed_per_minute", k.BudgetCalls(n), "calls_per_minute", k.CallsPerMinute, "max_staleness", every)
		lines = []string{
			fmt.Sprintf("%s，每 %s 至少拉取一次需要每分钟 %d 次调用，配额 kuaishou.calls_per_minute 只有 %d。",
				counts, every, k.BudgetCalls(n), k.CallsPerMinute),
			"安静的账户会比 max_staleness 更久才拉取一次。请提高 calls_per_minute 或 max_staleness。",
		}
		a.budgetNotice(ctx, now, lines)
		return short
	}
	short := k.CheckRate(n)
	if short == nil {
		return nil
	}
	cycle := time.Duration(float64(n) / k.QPS * float64(time.Second)).Round(time.Second)
	a.Log.Error("kuaishou.qps cannot pull every account within poll_interval: each pull cycle, and the alerts of the leads it finds, take longer; set kuaishou.calls_per_minute to poll adaptively",
		"accounts", n, "config_accounts", len(k.Accounts), "authorized_accounts", n-len(k.Accounts),
		"calls_needed_per_minute", k.CycleCalls(n), "qps_calls_per_minute", k.RateCalls(),
		"poll_interval", k.PollInterval, "cycle", cycle, "err", short)
	lines = []string{
		fmt.Sprintf("%s，每 %s 全部拉取一次需要每分钟 %d 次调用，kuaishou.qps=%g 只允许每分钟 %d 次：一轮拉取约 %s，线索提醒随之延迟。",
			counts, k.PollInterval, k.CycleCalls(n), k.QPS, k.RateCalls(), cycle),
		fmt.Sprintf("请设置 kuaishou.calls_per_minute（不超过 qps × 60 = %d）启用自适应轮询：有新线索的账户每 poll_interval 拉取，安静的每 max_staleness 拉取（%d 个账户每分钟需 %d 次）。",
			k.RateCalls(), n, k.BudgetCalls(n)),
	}
	a.budgetNotice(ctx, now, lines)
	return short
}

// Adaptive reports whether accounts are leased and polled adaptively: when
// the store may be shared by several instances (store.Shared), or an API
// budget is set. A single embedded-store instance pulls every account every
// poll_interval.
func (a *App) Adaptive() bool {
	_, shared := a.Store.(store.Shared)
	return shared || a.Config.Kuaishou.CallsPerMinute > 0
}

// budgetNotice tells ops_receivers that the API budget is short, once a day
// at most between every instance on the store.
func (a *App) budgetNotice(ctx context.Context, now time.Time, lines []string) {
	if p, ok := a.Store.(store.Pacing); ok {
		first, _, err := p.TakeSendSlot(ctx, budgetNoticeKey, now, []store.SendLimit{{Max: 1, Per: budgetNoticeSpan}})
		if err != nil {
			a.Log.Warn("api budget notice: the store could not say whether it was sent; not sent", "err", err)
			return
		}
		if !first {
			return
		}
	}
	a.Notice(ctx, &notify.Notice{Title: "快手 API 调用配额不够拉取所有账户", Lines: lines})
}

// BudgetNote is what `config check` says of its API-budget check, which
// counts the accounts of cluebot.yaml only: authorized accounts live in the
// store and are counted by `run`. Without a budget, on SQLite (every
// account pulled each poll_interval) it is the qps check's complaint when
// cluebot.yaml's accounts alone do not fit; otherwise empty.
func BudgetNote(cfg *config.Config) string {
	k := cfg.Kuaishou
	if k.CallsPerMinute <= 0 {
		if cfg.Store.Driver != "sqlite" {
			return ""
		}
		if err := k.CheckRate(len(k.Accounts)); err != nil {
			return err.Error() + " (counting the accounts in cluebot.yaml; cluebot run checks again with every account)"
		}
		return ""
	}
	return fmt.Sprintf("kuaishou.calls_per_minute: %d calls a minute checked against the %d accounts in cluebot.yaml "+
		"(%d calls a minute needed); accounts of authorizations are checked by cluebot run, at start and after each discovery",
		k.CallsPerMinute, len(k.Accounts), k.StalenessCalls())
}

// APIUse is the API calls of the last minute against what they may be.
type APIUse struct {
	Calls int
	// Limit is kuaishou.calls_per_minute, or without it qps × 60; 0 when
	// nothing bounds the calls.
	Limit int
	// Shared: Calls and Limit are every instance's, counted in the store;
	// otherwise this process's alone.
	Shared bool
}

// APIUse returns the calls made in the minute before now: with
// kuaishou.calls_per_minute those of every instance, from the budget's
// slots in the store; without it this process's (pulls, token refreshes,
// write-backs; not discovery's few), against qps × 60.
func (a *App) APIUse(ctx context.Context, now time.Time) (APIUse, error) {
	k := a.Config.Kuaishou
	if p, ok := a.Store.(store.Pacing); ok && k.CallsPerMinute > 0 {
		used, err := fetch.Budget{Store: p, PerMinute: k.CallsPerMinute}.Used(ctx, now)
		if err != nil {
			return APIUse{}, fmt.Errorf("api budget use: %w", err)
		}
		return APIUse{Calls: used, Limit: k.CallsPerMinute, Shared: true}, nil
	}
	u := APIUse{Limit: k.RateCalls()}
	if a.Calls != nil {
		u.Calls = a.Calls.LastMinute()
	}
	return u, nil
}
