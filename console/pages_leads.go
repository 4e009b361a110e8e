package console

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// leadsData is the leads page: the search as asked and one page of leads.
type leadsData struct {
	Q, From, To, Route string
	Leads              []leadView
	Total              int
	Capped             bool // Total is store.SearchTotalMax: at least that many
	Offset, Limit      int
	Prev, Next         string // links to the neighbouring pages; "" at an end
	Error              string
}

// leadsPage is GET /leads: the search form and its results.
func (c *Console) leadsPage(w http.ResponseWriter, r *http.Request, s *store.Session) {
	v := r.URL.Query()
	d := leadsData{Q: v.Get("q"), From: v.Get("from"), To: v.Get("to"), Route: v.Get("route")}
	q, err := c.leadQuery(v)
	if err != nil {
		d.Error = err.Error()
		c.render(w, r, http.StatusBadRequest, "leads", s, d)
		return
	}
	clues, total, err := c.st.SearchClues(r.Context(), q)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if d.Leads, err = c.leadViews(r.Context(), clues, s.Role); err != nil {
		c.fail(w, r, err)
		return
	}
	d.Total, d.Offset, d.Limit = total, q.Offset, q.Limit
	d.Capped = total >= store.SearchTotalMax
	link := func(off int) string {
		u := url.Values{}
		for _, k := range []string{"q", "from", "to", "route", "limit"} {
			if v.Get(k) != "" {
				u.Set(k, v.Get(k))
			}
		}
		u.Set("offset", strconv.Itoa(off))
		return "/leads?" + u.Encode()
	}
	if q.Offset > 0 {
		d.Prev = link(max(q.Offset-q.Limit, 0))
	}
	if q.Offset+len(clues) < total {
		d.Next = link(q.Offset + q.Limit)
	}
	c.render(w, r, http.StatusOK, "leads", s, d)
}

// leadData is a lead's page: its view (routes, deliveries, history) and its
// fields and form answers, phones as the user may see them.
type leadData struct {
	View      leadView
	Lead      transform.Lead
	Broken    string // why the stored JSON did not decode, if it did not
	WriteBack string // how writing its mark to the vendor went; "" when not tried
}

// leadPage is GET /leads/{id}.
func (c *Console) leadPage(w http.ResponseWriter, r *http.Request, s *store.Session) {
	v, cl, err := c.lead(r, r.PathValue("id"), s.Role)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := leadData{View: v}
	l, err := transform.FromStored(&cl, transform.Options{Zone: c.zone, AccountNames: c.accountNames(r.Context())})
	if err != nil {
		d.Broken = err.Error()
	}
	if s.Role != store.RoleAdmin {
		l = l.Masked()
	}
	d.Lead = l
	if wbs, ok := c.st.(store.WriteBacks); ok {
		wb, err := wbs.WriteBackOf(r.Context(), cl.ID)
		switch {
		case err == nil:
			d.WriteBack = WriteBackLabel(wb)
		case !errors.Is(err, store.ErrNotFound):
			c.fail(w, r, err)
			return
		}
	}
	c.render(w, r, http.StatusOK, "lead", s, d)
}

// markSubmit is POST /leads/{id}/mark, the mark buttons.
func (c *Console) markSubmit(w http.ResponseWriter, r *http.Request, s *store.Session) {
	id := r.PathValue("id")
	_, err := c.mark(r, s, id, r.PostFormValue("status"))
	switch {
	case errors.Is(err, errBadMark):
		c.problem(w, r, http.StatusBadRequest, "未知的标记")
	case err != nil:
		c.fail(w, r, err)
	default:
		http.Redirect(w, r, "/leads/"+url.PathEscape(id), http.StatusSeeOther)
	}
}
