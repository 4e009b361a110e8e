package console

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cluebot/cluebot/rulesdiff"
	"github.com/cluebot/cluebot/store"
)

// SetRules mounts api, rulesdiff's rules API, under the console's sessions:
// /api/rules/* with the signed-in user as its user, and the /rules page.
// Without it those paths answer 404.
func (c *Console) SetRules(api *rulesdiff.API) {
	c.rules.Store(&rulesMount{api: api, handler: api.Handler()})
}

// rulesMount is the rules API the console serves.
type rulesMount struct {
	api     *rulesdiff.API
	handler http.Handler
}

// rulesAPI returns the rules API, nil without SetRules.
func (c *Console) rulesAPI() *rulesdiff.API {
	if m := c.rules.Load(); m != nil {
		return m.api
	}
	return nil
}

// apiRules passes PUT /api/rules and the history to the rules API, as the
// session's user; guard has checked the CSRF token and the role.
func (c *Console) apiRules(w http.ResponseWriter, r *http.Request, s *store.Session) {
	m := c.rules.Load()
	if m == nil {
		writeError(w, http.StatusNotFound, "no such API endpoint")
		return
	}
	m.handler.ServeHTTP(w, r.WithContext(rulesdiff.WithUser(r.Context(), s.User, s.Role)))
}

// apiRulesPreview is POST /api/rules/preview: it changes nothing, so it
// needs a session but, as the contract says, no CSRF token.
func (c *Console) apiRulesPreview(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	s, err := c.session(r)
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusUnauthorized, "not signed in")
	case err != nil:
		c.fail(w, r, err)
	default:
		c.apiRules(w, r, &s)
	}
}

// rulesView is what the rules page shows.
type rulesView struct {
	Text     string // the editor's text: the rules in force, or what was posted
	Lines    []int  // the editor's line numbers
	Since    string
	Comment  string
	Errors   []rulesdiff.LineError
	Preview  *previewView
	History  []store.RulesVersion
	InForce  string // the version in force's id
	A, B     string // the versions compared
	Diff     []diffLine
	Restored string
}

// rulesPage is GET /rules: the rules in force in the editor, the history,
// and with ?a=&b= the diff of two versions.
func (c *Console) rulesPage(w http.ResponseWriter, r *http.Request, s *store.Session) {
	v, ok := c.rulesView(w, r, s)
	if !ok {
		return
	}
	q := r.URL.Query()
	if id := q.Get("saved"); id != "" {
		v.Restored = id
	}
	if v.A, v.B = q.Get("a"), q.Get("b"); v.A != "" && v.B != "" {
		a, ok := c.rulesVersion(w, r, v.A)
		if !ok {
			return
		}
		b, ok := c.rulesVersion(w, r, v.B)
		if !ok {
			return
		}
		v.Diff = lineDiff(a.Text, b.Text)
	}
	c.renderRules(w, r, http.StatusOK, s, v)
}

// rulesView reads the version in force and the history; ok is false when
// it answered already.
func (c *Console) rulesView(w http.ResponseWriter, r *http.Request, s *store.Session) (*rulesView, bool) {
	if c.rulesAPI() == nil {
		c.problem(w, r, http.StatusNotFound, "没有这个页面")
		return nil, false
	}
	v := &rulesView{Since: rulesdiff.DefaultSince}
	cur, err := c.rulesAPI().Store.RulesInForce(r.Context())
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		c.fail(w, r, err)
		return nil, false
	}
	v.Text, v.InForce = cur.Text, cur.ID
	if v.History, err = c.rulesAPI().Store.RulesVersions(r.Context(), 100); err != nil {
		c.fail(w, r, err)
		return nil, false
	}
	for i := range v.History {
		v.History[i].At = v.History[i].At.In(c.zone)
	}
	return v, true
}

// rulesPreviewSubmit is POST /rules/preview: the posted text replayed over
// the stored leads, shown under the editor, or its errors by line.
func (c *Console) rulesPreviewSubmit(w http.ResponseWriter, r *http.Request, s *store.Session) {
	v, ok := c.rulesView(w, r, s)
	if !ok {
		return
	}
	v.Text, v.Since, v.Comment = postedRules(r), strings.TrimSpace(r.PostFormValue("since")), r.PostFormValue("comment")
	since, err := rulesdiff.ParseSince(v.Since)
	if err != nil {
		v.Errors = []rulesdiff.LineError{{Message: "时间范围：" + err.Error()}}
		c.renderRules(w, r, http.StatusUnprocessableEntity, s, v)
		return
	}
	res, err := c.rulesAPI().Preview(r.Context(), v.Text, since)
	if c.rulesRefused(w, r, s, v, err) {
		return
	}
	v.Preview = newPreviewView(res)
	c.renderRules(w, r, http.StatusOK, s, v)
}

// rulesSaveSubmit is POST /rules (admin): the posted text with its comment
// becomes the version in force.
func (c *Console) rulesSaveSubmit(w http.ResponseWriter, r *http.Request, s *store.Session) {
	v, ok := c.rulesView(w, r, s)
	if !ok {
		return
	}
	v.Text, v.Comment = postedRules(r), r.PostFormValue("comment")
	id, err := c.rulesAPI().Save(r.Context(), s.User, v.Text, v.Comment)
	if c.rulesRefused(w, r, s, v, err) {
		return
	}
	http.Redirect(w, r, "/rules?saved="+url.QueryEscape(id), http.StatusSeeOther)
}

// rulesRestoreSubmit is POST /rules/restore (admin): the text of version
// id becomes a new version in force.
func (c *Console) rulesRestoreSubmit(w http.ResponseWriter, r *http.Request, s *store.Session) {
	if c.rulesAPI() == nil {
		c.problem(w, r, http.StatusNotFound, "没有这个页面")
		return
	}
	old, ok := c.rulesVersion(w, r, r.PostFormValue("id"))
	if !ok {
		return
	}
	id, err := c.rulesAPI().Save(r.Context(), s.User, old.Text, fmt.Sprintf("恢复版本 %s", old.ID))
	var inv *rulesdiff.InvalidError
	if errors.As(err, &inv) {
		c.problem(w, r, http.StatusUnprocessableEntity, "该版本在当前配置下无效，未恢复："+inv.Err.Error())
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/rules?saved="+url.QueryEscape(id), http.StatusSeeOther)
}

// rulesVersion reads version id with its text; ok is false when it
// answered already (404 for an unknown id).
func (c *Console) rulesVersion(w http.ResponseWriter, r *http.Request, id string) (store.RulesVersion, bool) {
	v, err := c.rulesAPI().Store.RulesVersion(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		c.problem(w, r, http.StatusNotFound, "没有这个规则版本")
		return v, false
	}
	if err != nil {
		c.fail(w, r, err)
		return v, false
	}
	return v, true
}

// rulesRefused answers an error of Preview or Save: invalid rules show on
// the page by line (422), anything else is a failure. It reports whether
// it answered.
func (c *Console) rulesRefused(w http.ResponseWriter, r *http.Request, s *store.Session, v *rulesView, err error) bool {
	var inv *rulesdiff.InvalidError
	switch {
	case err == nil:
		return false
	case errors.As(err, &inv):
		v.Errors = rulesdiff.LineErrors(inv.Err)
		c.renderRules(w, r, http.StatusUnprocessableEntity, s, v)
	default:
		c.fail(w, r, err)
	}
	return true
}

// postedRules is the editor's text: browsers send a textarea's lines
// ended with CRLF, saved as the file's LF.
func postedRules(r *http.Request) string {
	return strings.ReplaceAll(r.PostFormValue("rules"), "\r\n", "\n")
}
