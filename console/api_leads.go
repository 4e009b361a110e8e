package console

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cluebot/cluebot/store"
)

// Search limits: DefaultLimit leads a page unless asked, MaxLimit at most.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// leadQuery reads a search from query parameters: q, from, to, route,
// limit (at most MaxLimit) and offset.
func (c *Console) leadQuery(v url.Values) (store.LeadQuery, error) {
	q := store.LeadQuery{Q: strings.TrimSpace(v.Get("q")), Route: strings.TrimSpace(v.Get("route"))}
	var err error
	if q.From, err = c.parseTime(v.Get("from")); err != nil {
		return q, fmt.Errorf("from: %w", err)
	}
	if q.To, err = c.parseTime(v.Get("to")); err != nil {
		return q, fmt.Errorf("to: %w", err)
	}
	if q.Limit, q.Offset, err = pageParams(v); err != nil {
		return q, err
	}
	return q, nil
}

// pageParams reads limit and offset: DefaultLimit by default, at most MaxLimit.
func pageParams(v url.Values) (limit, offset int, err error) {
	limit, ok := intParam(v, "limit", DefaultLimit)
	if !ok {
		return 0, 0, errors.New("limit: not a non-negative number")
	}
	if limit == 0 || limit > MaxLimit {
		limit = min(max(limit, DefaultLimit), MaxLimit)
	}
	if offset, ok = intParam(v, "offset", 0); !ok {
		return 0, 0, errors.New("offset: not a non-negative number")
	}
	return limit, offset, nil
}

// parseTime reads a time: RFC 3339, or a date or date and time in the
// console's zone; "" is the zero time (no bound).
func (c *Console) parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{time.DateOnly, time.DateTime, "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, c.zone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time (2006-01-02, 2006-01-02 15:04 or RFC 3339)", s)
}

// apiLeads is GET /api/leads.
func (c *Console) apiLeads(w http.ResponseWriter, r *http.Request, s *store.Session) {
	q, err := c.leadQuery(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	clues, total, err := c.st.SearchClues(r.Context(), q)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	leads, err := c.leadViews(r.Context(), clues, s.Role)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"leads": leads, "total": total})
}

// lead returns one lead's view with its history.
func (c *Console) lead(r *http.Request, id, role string) (leadView, store.Clue, error) {
	cl, err := c.st.Clue(r.Context(), id)
	if err != nil {
		return leadView{}, cl, err
	}
	vs, err := c.leadViews(r.Context(), []store.Clue{cl}, role)
	if err != nil {
		return leadView{}, cl, err
	}
	hs, err := c.st.ClueHistory(r.Context(), id)
	if err != nil {
		return leadView{}, cl, err
	}
	v := vs[0]
	v.History = c.historyViews(hs)
	return v, cl, nil
}

// apiLead is GET /api/leads/{id}.
func (c *Console) apiLead(w http.ResponseWriter, r *http.Request, s *store.Session) {
	v, _, err := c.lead(r, r.PathValue("id"), s.Role)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if v.History == nil {
		v.History = []historyView{}
	}
	writeJSON(w, http.StatusOK, v)
}

// mark records status for the lead id by s's user, with an audit entry.
func (c *Console) mark(r *http.Request, s *store.Session, id, status string) (store.Mark, error) {
	if status != store.MarkContacted && status != store.MarkInvalid {
		return store.Mark{}, errBadMark
	}
	m := store.Mark{ClueID: id, Status: status, By: s.User, At: c.clock.Now()}
	if err := c.st.SetMark(r.Context(), m); err != nil {
		return m, err
	}
	c.audit(r, s, "mark", id, status)
	return m, nil
}

var errBadMark = errors.New(`status: want "contacted" or "invalid"`)

// apiMark is POST /api/leads/{id}/mark.
func (c *Console) apiMark(w http.ResponseWriter, r *http.Request, s *store.Session) {
	var in struct {
		Status string `json:"status"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	m, err := c.mark(r, s, r.PathValue("id"), in.Status)
	switch {
	case errors.Is(err, errBadMark):
		writeError(w, http.StatusBadRequest, err.Error())
	case err != nil:
		c.fail(w, r, err)
	default:
		writeJSON(w, http.StatusOK, map[string]any{"status": m.Status, "by": m.By, "at": m.At.In(c.zone)})
	}
}

// audit appends to the audit log; a failure is logged, the change stands.
func (c *Console) audit(r *http.Request, s *store.Session, action, target, detail string) {
	e := store.AuditEntry{At: c.clock.Now(), User: s.User, Action: action, Target: target, Detail: detail}
	if err := c.st.AddAudit(r.Context(), e); err != nil {
		c.log.Error("console: audit entry lost", "action", action, "target", target, "err", err)
	}
}
