package console

import (
	"net/http"
	"strings"

	"github.com/cluebot/cluebot/store"
)

// routes registers every page and API endpoint. Each goes through guard
// (session, CSRF token, role) but the sign-in itself and the assets.
// Accounts, rules and reports endpoints go here too, beside their kin.
func (c *Console) routes(mux *http.ServeMux) {
	// The API: JSON in and out.
	mux.HandleFunc("POST /api/session", c.apiLogin)
	mux.Handle("DELETE /api/session", c.guard(anyone, c.apiLogout))
	mux.Handle("GET /api/leads", c.guard(anyone, c.apiLeads))
	mux.Handle("GET /api/leads/{id}", c.guard(anyone, c.apiLead))
	mux.Handle("POST /api/leads/{id}/mark", c.guard(anyone, c.apiMark))
	mux.Handle("GET /api/leads/{id}/writeback", c.guard(anyone, c.apiWriteBack))
	mux.Handle("GET /api/deliveries", c.guard(anyone, c.apiDeliveries))
	mux.Handle("POST /api/deliveries/{id}/retry", c.guard(admins, c.apiRetry))
	mux.Handle("POST /api/receivers/{name}/retry-dead", c.guard(admins, c.apiRetryDead))
	mux.Handle("POST /api/forget", c.guard(admins, c.apiForget))
	mux.Handle("GET /api/accounts", c.guard(anyone, c.apiAccounts))
	mux.Handle("POST /api/auth/url", c.guard(admins, c.apiAuthURL))
	mux.HandleFunc("POST /api/rules/preview", c.apiRulesPreview)
	mux.Handle("PUT /api/rules", c.guard(admins, c.apiRules))
	mux.Handle("GET /api/rules/history", c.guard(anyone, c.apiRules))
	mux.Handle("GET /api/rules/history/{id}", c.guard(anyone, c.apiRules))
	mux.Handle("/api/", c.guard(anyone, func(w http.ResponseWriter, r *http.Request, _ *store.Session) {
		if allow := allowed(mux, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, http.StatusMethodNotAllowed, "method not allowed: use "+strings.Join(allow, " or "))
			return
		}
		writeError(w, http.StatusNotFound, "no such API endpoint")
	}))

	// The pages: forms post back, answers are HTML or redirects.
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(staticFS())))
	mux.HandleFunc("GET /login", c.loginPage)
	mux.HandleFunc("POST /login", c.loginSubmit)
	mux.Handle("POST /logout", c.guard(anyone, c.logoutSubmit))
	mux.Handle("GET /{$}", c.guard(anyone, c.overviewPage))
	mux.Handle("GET /leads", c.guard(anyone, c.leadsPage))
	mux.Handle("GET /leads/{id}", c.guard(anyone, c.leadPage))
	mux.Handle("POST /leads/{id}/mark", c.guard(anyone, c.markSubmit))
	mux.Handle("GET /deliveries", c.guard(anyone, c.deliveriesPage))
	mux.Handle("POST /deliveries/{id}/retry", c.guard(admins, c.retrySubmit))
	mux.Handle("POST /receivers/{name}/retry-dead", c.guard(admins, c.retryDeadSubmit))
	mux.Handle("GET /forget", c.guard(admins, c.forgetPage))
	mux.Handle("POST /forget", c.guard(admins, c.forgetSubmit))
	mux.Handle("GET /audit", c.guard(anyone, c.auditPage))
	mux.Handle("GET /accounts", c.guard(anyone, c.accountsPage))
	mux.Handle("POST /accounts/authorize", c.guard(admins, c.authURLSubmit))
	mux.Handle("GET /reports", c.guard(anyone, c.reportsPage))
	mux.Handle("GET /reports/{file}", c.guard(anyone, c.reportDownload))
	mux.Handle("GET /rules", c.guard(anyone, c.rulesPage))
	mux.Handle("POST /rules/preview", c.guard(anyone, c.rulesPreviewSubmit))
	mux.Handle("POST /rules", c.guard(admins, c.rulesSaveSubmit))
	mux.Handle("POST /rules/restore", c.guard(admins, c.rulesRestoreSubmit))
	mux.Handle("/", c.guard(anyone, func(w http.ResponseWriter, r *http.Request, _ *store.Session) {
		c.problem(w, r, http.StatusNotFound, "没有这个页面")
	}))
}

// allowed returns the methods an API endpoint at r's path takes, none when
// no endpoint has that path: what the catch-all, which every other method
// reaches, answers 405 with.
func allowed(mux *http.ServeMux, r *http.Request) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "/api/" && pattern != "" {
			out = append(out, m)
		}
	}
	return out
}
