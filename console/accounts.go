package console

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/cluebot/cluebot/onboard"
	"github.com/cluebot/cluebot/store"
)

// AccountViews turns stats into the contract's JSON (onboard.AccountView,
// one shape with `cluebot accounts --json`), named by names (advertiser id
// to name; absent: ""), times in zone.
func AccountViews(stats []store.AccountStat, names map[int64]string, zone *time.Location) []onboard.AccountView {
	out := make([]onboard.AccountView, 0, len(stats))
	for _, s := range stats {
		out = append(out, onboard.LineOf(s, names[s.AdvertiserID], zone).View())
	}
	return out
}

// statusLabels are the statuses in Chinese, as the pages show them.
var statusLabels = map[string]string{store.AccountNeedsReauth: "需重新授权", store.AccountFailing: "拉取失败",
	store.AccountNew: "未拉取", store.AccountOK: "正常", store.AccountLeft: "已退出授权", store.TriageSilent: "无新线索"}

// statusCount is how many accounts have one status.
type statusCount struct {
	Status, Label string
	Count         int
}

// accountStats reads every account, configured and authorized, with
// today's clues counted from the start of today in the console's zone.
func (c *Console) accountStats(ctx context.Context) ([]store.AccountStat, error) {
	now := c.clock.Now().In(c.zone)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, c.zone)
	return store.AccountStats(ctx, c.st, c.configured, day)
}

// accountNames returns every account's name; when the imported names
// cannot be read, it logs that and goes on with those it has.
func (c *Console) accountNames(ctx context.Context) map[int64]string {
	names, err := c.names.Names(ctx)
	if err != nil {
		c.log.Warn("account names: using the last known", "err", err)
	}
	return names
}

// byStatus counts stats per status, in store.TriageRank's order, leaving out
// statuses no account has.
func byStatus(stats []store.AccountStat) []statusCount {
	n := map[string]int{}
	for _, s := range stats {
		n[s.Status]++
	}
	var out []statusCount
	for st, k := range n {
		out = append(out, statusCount{Status: st, Label: cmp.Or(statusLabels[st], st), Count: k})
	}
	slices.SortFunc(out, func(a, b statusCount) int {
		return cmp.Or(cmp.Compare(store.TriageRank(a.Status), store.TriageRank(b.Status)), cmp.Compare(a.Status, b.Status))
	})
	return out
}

// apiAccounts is GET /api/accounts: every account, problems first (as
// `cluebot accounts --json`).
func (c *Console) apiAccounts(w http.ResponseWriter, r *http.Request, _ *store.Session) {
	stats, err := c.accountStats(r.Context())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	store.SortForPeople(stats, c.silence, c.clock.Now())
	writeJSON(w, http.StatusOK, AccountViews(stats, c.accountNames(r.Context()), c.zone))
}

// accountsData is the accounts page.
type accountsData struct {
	Counts   []statusCount
	Accounts []accountRow
	Auths    []authRow
	CanLink  bool   // the authorize URL can be made here
	Link     string // one just made
	Agent    bool
	Expires  string
	Error    string
}

// accountRow is an account with its status in words.
type accountRow struct {
	onboard.AccountView
	Label string
}

// authRow is an authorization as `cluebot auth list` shows it, in words;
// never its tokens.
type authRow struct {
	ID, AdvertiserID          int64
	Type, Status, Label       string
	Advertisers               int
	RefreshExpires, LastError string
}

// authTypes are the authorization types in Chinese.
var authTypes = map[string]string{store.AuthAgent: "代理商", store.AuthAdvertiser: "广告主"}

// authRows reads the authorizations for the accounts page.
func (c *Console) authRows(ctx context.Context) ([]authRow, error) {
	auths, err := c.st.Authorizations(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]authRow, 0, len(auths))
	for _, a := range auths {
		r := authRow{ID: a.ID, AdvertiserID: a.AdvertiserID, Type: cmp.Or(authTypes[a.Type], a.Type), Status: a.Status,
			Label: cmp.Or(statusLabels[a.Status], a.Status), Advertisers: a.Advertisers, RefreshExpires: "—",
			LastError: a.LastError}
		if !a.RefreshExpiresAt.IsZero() {
			r.RefreshExpires = a.RefreshExpiresAt.In(c.zone).Format(time.DateTime)
		}
		out = append(out, r)
	}
	return out, nil
}

// accountsPage is GET /accounts: the accounts needing someone first.
func (c *Console) accountsPage(w http.ResponseWriter, r *http.Request, s *store.Session) {
	c.renderAccounts(w, r, s, http.StatusOK, accountsData{})
}

// renderAccounts renders the accounts page with d's link or error.
func (c *Console) renderAccounts(w http.ResponseWriter, r *http.Request, s *store.Session, status int, d accountsData) {
	stats, err := c.accountStats(r.Context())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if d.Auths, err = c.authRows(r.Context()); err != nil {
		c.fail(w, r, err)
		return
	}
	now := c.clock.Now()
	store.SortForPeople(stats, c.silence, now)
	d.Counts, d.CanLink = byStatus(stats), c.authorize != nil
	for i, v := range AccountViews(stats, c.accountNames(r.Context()), c.zone) {
		triage := c.silence.Triage(stats[i], now)
		d.Accounts = append(d.Accounts, accountRow{AccountView: v, Label: cmp.Or(statusLabels[triage], triage)})
	}
	c.render(w, r, status, "accounts", s, d)
}
