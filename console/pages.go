package console

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"time"

	"github.com/cluebot/cluebot/store"
)

//go:embed templates/*.html static
var files embed.FS

// staticFS is the console's CSS, served under /static/.
func staticFS() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the directory is embedded: cannot happen
	}
	return sub
}

// pageNames are the templates under templates/, each with layout.html.
var pageNames = []string{"login", "error", "overview", "leads", "lead", "deliveries", "audit", "forget", "accounts", "reports", "rules"}

// parsePages parses every page with the layout.
func parsePages() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"time": func(t any) string {
			switch v := t.(type) {
			case time.Time:
				if v.IsZero() {
					return ""
				}
				return v.Format(time.DateTime)
			case *time.Time:
				if v == nil || v.IsZero() {
					return ""
				}
				return v.Format(time.DateTime)
			}
			return fmt.Sprint(t)
		},
		"add": func(a, b int) int { return a + b },
		"sub": func(a, b int) int { return a - b },
	}
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("console: parse page %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// page is what every page's template gets.
type page struct {
	Title   string
	User    string
	Admin   bool
	CSRF    string
	Path    string // the page's own path and query, for a form's way back
	Data    any
	Message string
}

// render writes page name with data for s's user (nil: nobody signed in)
// with status; it renders into a buffer first, so a template error is a
// clean 500, not half a page.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, s *store.Session, data any) {
	p := page{Title: titles[name], Path: localPath(r.URL.RequestURI()), Data: data}
	if s != nil {
		p.User, p.Admin, p.CSRF = s.User, s.Role == store.RoleAdmin, s.CSRF
	}
	var buf bytes.Buffer
	t, ok := c.pages[name]
	if !ok {
		c.log.Error("console: no such page template", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if err := t.Execute(&buf, p); err != nil {
		c.log.Error("console: render page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// titles are the pages' Chinese titles.
var titles = map[string]string{
	"login": "登录", "error": "出错了", "overview": "概览", "leads": "线索", "lead": "线索详情",
	"deliveries": "推送", "audit": "操作记录", "forget": "删除个人信息",
	"accounts": "账户与授权", "reports": "日报", "rules": "路由规则",
}

// loginPage is GET /login.
func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, http.StatusOK, "login", nil, map[string]string{"Next": localPath(r.URL.Query().Get("next"))})
}

// loginSubmit is POST /login: the form's sign-in, then to next (a local
// path only).
func (c *Console) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	next := localPath(r.PostFormValue("next"))
	data := map[string]string{"Next": next, "Error": ""}
	if !c.originOK(r) {
		data["Error"] = "拒绝来自其他网站的登录"
		c.render(w, r, http.StatusForbidden, "login", nil, data)
		return
	}
	_, status, err := c.signIn(w, r, r.PostFormValue("username"), r.PostFormValue("password"))
	switch {
	case status == http.StatusTooManyRequests:
		data["Error"] = "失败次数过多，请一分钟后再试"
	case status != 0:
		data["Error"] = "用户名或密码错误"
	case err != nil:
		c.fail(w, r, err)
		return
	}
	if status != 0 {
		c.render(w, r, status, "login", nil, data)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logoutSubmit is POST /logout.
func (c *Console) logoutSubmit(w http.ResponseWriter, r *http.Request, s *store.Session) {
	if err := c.logout(w, r, s); err != nil {
		c.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
