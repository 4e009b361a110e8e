package app

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/store"
)

// silentNoticeSpan is how long the store remembers that a silence was
// announced; a silence is keyed by its account and its last clue, so a new
// clue starts a new one.
const silentNoticeSpan = 400 * 24 * time.Hour

// maxNoticeLines bounds the accounts one silence notice lists.
const maxNoticeLines = 30

// Notice tells the operator: it logs n and sends it to every receiver of
// ops_receivers (none: the log only). A receiver that cannot take it (an
// email receiver) or fails is logged; the others still get it.
func (a *App) Notice(ctx context.Context, n *notify.Notice) {
	a.Log.Warn("operator notice", "title", n.Title, "lines", strings.Join(n.Lines, "; "),
		"receivers", a.Config.OpsReceivers)
	live := a.Live()
	for _, name := range a.Config.OpsReceivers {
		sender := live.Notifiers[name]
		if sender == nil {
			a.Log.Warn("ops receiver cannot take a notice", "receiver", name)
			continue
		}
		if _, err := sender.Notify(ctx, &notify.Message{Receiver: name, Notice: n}); err != nil {
			level := slog.LevelError
			if ctx.Err() != nil { // a shutdown cut it short: no failure
				level = slog.LevelInfo
			}
			a.Log.Log(ctx, level, "sending an operator notice failed", "receiver", name, "title", n.Title, "err", err)
		}
	}
}

// notifyReauth announces an authorization that needs re-auth; fetch calls
// it once across instances. msg never holds a token.
func (a *App) notifyReauth(ctx context.Context, auth store.Authorization, msg string) {
	who := "广告主"
	if auth.Type == store.AuthAgent {
		who = "代理商"
	}
	lines := []string{fmt.Sprintf("授权 %d（%s %d）的刷新令牌已失效，需要重新授权。", auth.ID, who, auth.AdvertiserID)}
	if auth.Advertisers > 0 {
		lines = append(lines, fmt.Sprintf("它的 %d 个广告主已停止拉取线索，已拉取的线索保留。", auth.Advertisers))
	} else {
		lines = append(lines, "它的广告主已停止拉取线索，已拉取的线索保留。")
	}
	lines = append(lines, "原因："+msg, "重新授权：cluebot auth url --agent，或 cluebot auth add --code CODE。")
	a.Notice(ctx, &notify.Notice{Title: "快手授权需要重新授权", Lines: lines})
}

// CheckSilent announces, once per silence, the accounts pulled without
// trouble that have had no clue for kuaishou.silent_after: a broken landing
// page or a paused campaign. An account with no clue at all counts once the
// backfill has covered silent_after. Instances sharing the store announce
// each silence once between them. It returns how many were announced.
func (a *App) CheckSilent(ctx context.Context, now time.Time) (int, error) {
	k := a.Config.Kuaishou
	p, ok := a.Store.(store.Pacing)
	if k.SilentAfter <= 0 || !ok {
		return 0, nil
	}
	ids := make([]int64, len(k.Accounts))
	for i, acct := range k.Accounts {
		ids[i] = acct.AdvertiserID
	}
	y, m, d := now.In(a.Config.Location).Date()
	stats, err := store.AccountStats(ctx, a.Store, ids, time.Date(y, m, d, 0, 0, 0, 0, a.Config.Location))
	if err != nil {
		return 0, fmt.Errorf("silent accounts: %w", err)
	}
	var lines []string
	announced := 0
	for _, s := range stats {
		if !Silence(a.Config).Of(s, now) {
			continue
		}
		key := fmt.Sprintf("\x01silent:%d:%d", s.AdvertiserID, s.LastClue.Unix())
		first, _, err := p.TakeSendSlot(ctx, key, now, []store.SendLimit{{Max: 1, Per: silentNoticeSpan}})
		if err != nil {
			return announced, fmt.Errorf("silent accounts: %w", err)
		}
		if !first {
			continue
		}
		if announced++; len(lines) < maxNoticeLines {
			lines = append(lines, a.silentLine(s, now))
		}
	}
	if announced == 0 {
		return 0, nil
	}
	if announced > len(lines) {
		lines = append(lines, fmt.Sprintf("……另有 %d 个账户，见 cluebot accounts。", announced-len(lines)))
	}
	title := fmt.Sprintf("%d 个账户超过 %s没有新线索", announced, hoursText(k.SilentAfter))
	a.Notice(ctx, &notify.Notice{Title: title, Lines: append(lines, "请检查落地页和投放计划。")})
	return announced, nil
}

// Silence is when cfg calls an account silent (kuaishou.silent_after).
func Silence(cfg *config.Config) store.Silence {
	return store.Silence{After: cfg.Kuaishou.SilentAfter, Backfill: cfg.Kuaishou.Backfill}
}

// silentLine describes one silent account.
func (a *App) silentLine(s store.AccountStat, now time.Time) string {
	name := store.Label(a.AccountNames(), s.AdvertiserID)
	if s.LastClue.IsZero() {
		return name + "：从未收到线索"
	}
	return fmt.Sprintf("%s：最后一条线索在 %s，已 %s", name,
		s.LastClue.In(a.Config.Location).Format("2006-01-02 15:04"), hoursText(now.Sub(s.LastClue)))
}

// hoursText writes a span in whole hours, in Chinese.
func hoursText(d time.Duration) string {
	return fmt.Sprintf("%d 小时", int(d/time.Hour))
}
