package rulesdiff

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/store"
)

// maxBody caps a request body: rules files are a few KB.
const maxBody = 1 << 20

// Users tells who makes a request, from its context: the console supplies
// it from its sessions (or puts the user in the context with WithUser).
type Users interface {
	// User returns the signed-in user's name and role (store.RoleAdmin or
	// store.RoleViewer); ok is false when nobody is signed in.
	User(ctx context.Context) (name, role string, ok bool)
}

type userKey struct{}

type ctxUser struct{ name, role string }

// WithUser returns ctx carrying the signed-in user, for ContextUsers.
func WithUser(ctx context.Context, name, role string) context.Context {
	return context.WithValue(ctx, userKey{}, ctxUser{name, role})
}

// ContextUsers is the Users that reads what WithUser put in the context.
type ContextUsers struct{}

// User implements Users.
func (ContextUsers) User(ctx context.Context) (string, string, bool) {
	u, ok := ctx.Value(userKey{}).(ctxUser)
	return u.name, u.role, ok && u.name != ""
}

// Store is what the rules API reads and changes in the store.
type Store interface {
	Iterator
	store.RulesHistory
}

// API serves the console's rules endpoints: POST /api/rules/preview,
// PUT /api/rules, GET /api/rules/history and GET /api/rules/history/{id}.
// Sessions, CSRF tokens and the sign-in are the console's: API only reads
// who is asking, from Users, and refuses a viewer's save.
type API struct {
	Store Store
	// Users says who asks; nil means ContextUsers.
	Users Users
	// Check compiles rules text as rules.yaml is loaded.
	Check Checker
	// InForce returns the rules in force, the "before" of a preview.
	InForce func(ctx context.Context) (*route.Rules, error)
	// Apply, when set, makes a version just saved the rules this instance
	// routes by, at once; other instances follow the store within a poll.
	Apply func(v store.RulesVersion, rules *route.Rules)
	// Audit, when set, records each save in the audit log (the console's
	// store.Console AddAudit), action "rules", the version as the target.
	Audit func(ctx context.Context, e store.AuditEntry) error
	// Path is rules.yaml, written on a save where it is writable; "" never.
	Path string
	// Options are the replay's (zone, account names, examples).
	Options Options
	// Names, when set, gives the account names of the moment (a
	// store.Namer's), over Options.AccountNames, at each preview.
	Names func() map[int64]string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Log receives the saves and the files that could not be written; nil
	// discards.
	Log *slog.Logger
}

// Handler returns the four endpoints on their methods and paths.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/rules/preview", a.preview)
	mux.HandleFunc("PUT /api/rules", a.put)
	mux.HandleFunc("GET /api/rules/history", a.history)
	mux.HandleFunc("GET /api/rules/history/{id}", a.version)
	return mux
}

func (a *API) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *API) log() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return slog.New(slog.DiscardHandler)
}

// user returns who asks, answering 401 (and ok false) when nobody is
// signed in.
func (a *API) user(w http.ResponseWriter, r *http.Request) (name, role string, ok bool) {
	users := a.Users
	if users == nil {
		users = ContextUsers{}
	}
	name, role, ok = users.User(r.Context())
	if !ok {
		writeError(w, http.StatusUnauthorized, "sign in first")
	}
	return name, role, ok
}

// decode reads a JSON body strictly into dst, answering 400 on failure.
func decode(w http.ResponseWriter, r *http.Request, dst any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("bad request body: %v", err))
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away: nothing to tell it
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

// writeInvalid answers 422 with the problems of rules text, by line.
func writeInvalid(w http.ResponseWriter, err error) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": LineErrors(err)})
}

// internal answers 500 without the detail, which goes to the log.
func (a *API) internal(w http.ResponseWriter, what string, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	a.log().Error(what, "err", err)
	writeError(w, http.StatusInternalServerError, what)
}
