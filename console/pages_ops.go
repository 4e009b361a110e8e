package console

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/cluebot/cluebot/store"
)

// overviewData is the first page: the outbox, overdue follow-ups and
// today's leads.
type overviewData struct {
	store.Overview
	Overdue   int // follow-ups overdue, as cluebot_followup_overdue counts them
	OldestAge string
	Routes    []routeCount
	MaxHour   int
	Day       string
	Accounts  []statusCount
	API       *APIUse // nil: no card
}

type routeCount struct {
	Route string
	Count int
}

// overviewPage is GET /.
func (c *Console) overviewPage(w http.ResponseWriter, r *http.Request, s *store.Session) {
	now := c.clock.Now().In(c.zone)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, c.zone)
	ov, err := c.st.Overview(r.Context(), now, day)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	accounts, err := c.accountCounts(r.Context())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	fs, err := c.st.FollowupStats(r.Context(), now)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := overviewData{Overview: ov, Overdue: fs.Overdue, Day: day.Format(time.DateOnly), Accounts: accounts}
	if c.apiUse != nil {
		// The card is one number of many: a store that cannot count leaves
		// it out rather than failing the page.
		if u, err := c.apiUse(r.Context()); err != nil {
			c.log.Warn("overview: API budget use not counted", "err", err)
		} else {
			d.API = &u
		}
	}
	if !ov.Outbox.OldestPending.IsZero() {
		d.OldestAge = now.Sub(ov.Outbox.OldestPending).Round(time.Second).String()
	}
	for route, n := range ov.TodayByRoute {
		d.Routes = append(d.Routes, routeCount{route, n})
	}
	sort.Slice(d.Routes, func(i, j int) bool {
		a, b := d.Routes[i], d.Routes[j]
		return a.Count > b.Count || a.Count == b.Count && a.Route < b.Route
	})
	for _, h := range ov.TodayByHour {
		d.MaxHour = max(d.MaxHour, h.Count)
	}
	c.render(w, r, http.StatusOK, "overview", s, d)
}

// deliveriesData is the deliveries page.
type deliveriesData struct {
	State, Receiver string
	Deliveries      []deliveryView
	Receivers       []string // receivers with dead deliveries listed
}

// deliveriesPage is GET /deliveries: dead ones unless another state is asked.
func (c *Console) deliveriesPage(w http.ResponseWriter, r *http.Request, s *store.Session) {
	v := r.URL.Query()
	d := deliveriesData{State: v.Get("state"), Receiver: v.Get("receiver")}
	if d.State != store.OutboxPending && d.State != store.OutboxSent {
		d.State = store.OutboxDead
	}
	items, err := c.st.Deliveries(r.Context(), store.DeliveryQuery{State: d.State, Receiver: d.Receiver, Limit: MaxLimit})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	seen := map[string]bool{}
	for _, it := range items {
		d.Deliveries = append(d.Deliveries, c.deliveryView(it, true))
		if it.State == store.OutboxDead && !seen[it.Receiver] {
			seen[it.Receiver] = true
			d.Receivers = append(d.Receivers, it.Receiver)
		}
	}
	sort.Strings(d.Receivers)
	c.render(w, r, http.StatusOK, "deliveries", s, d)
}

// back is where a form goes after its change: its "back" field when that
// is a local path, else fallback.
func back(r *http.Request, fallback string) string {
	if b := r.PostFormValue("back"); b != "" {
		return localPath(b)
	}
	return fallback
}

// retrySubmit is POST /deliveries/{id}/retry, a retry button.
func (c *Console) retrySubmit(w http.ResponseWriter, r *http.Request, s *store.Session) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		c.problem(w, r, http.StatusNotFound, "没有这条推送")
		return
	}
	err = c.retry(r, s, id)
	switch {
	case errors.Is(err, store.ErrNotDead):
		c.problem(w, r, http.StatusConflict, "这条推送不是失败状态，无需重试")
	case err != nil:
		c.fail(w, r, err)
	default:
		http.Redirect(w, r, back(r, "/deliveries"), http.StatusSeeOther)
	}
}

// retryDeadSubmit is POST /receivers/{name}/retry-dead.
func (c *Console) retryDeadSubmit(w http.ResponseWriter, r *http.Request, s *store.Session) {
	if _, err := c.retryDead(r, s, r.PathValue("name")); err != nil {
		c.fail(w, r, err)
		return
	}
	http.Redirect(w, r, back(r, "/deliveries"), http.StatusSeeOther)
}

// forgetPage is GET /forget: the form.
func (c *Console) forgetPage(w http.ResponseWriter, r *http.Request, s *store.Session) {
	c.render(w, r, http.StatusOK, "forget", s, map[string]any{})
}

// forgetSubmit is POST /forget: erases every lead with the phone.
func (c *Console) forgetSubmit(w http.ResponseWriter, r *http.Request, s *store.Session) {
	phone := r.PostFormValue("phone")
	if phone == "" {
		c.render(w, r, http.StatusBadRequest, "forget", s, map[string]any{"Error": "请输入手机号"})
		return
	}
	n, err := Forget(r.Context(), c.st, s.User, phone, c.clock.Now())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "forget", s, map[string]any{"Done": true, "Count": n})
}

// auditData is a page of the audit log with links to its neighbours.
type auditData struct {
	Entries    []store.AuditEntry
	Prev, Next string
}

// auditPage is GET /audit, newest first, a page at a time.
func (c *Console) auditPage(w http.ResponseWriter, r *http.Request, s *store.Session) {
	limit, offset, err := pageParams(r.URL.Query())
	if err != nil {
		c.problem(w, r, http.StatusBadRequest, err.Error())
		return
	}
	entries, err := c.st.Audit(r.Context(), limit, offset)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	for i := range entries {
		entries[i].At = entries[i].At.In(c.zone)
	}
	d := auditData{Entries: entries}
	link := func(off int) string { return fmt.Sprintf("/audit?limit=%d&offset=%d", limit, off) }
	if offset > 0 {
		d.Prev = link(max(offset-limit, 0))
	}
	if len(entries) == limit {
		d.Next = link(offset + limit)
	}
	c.render(w, r, http.StatusOK, "audit", s, d)
}
