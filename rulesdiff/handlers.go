package rulesdiff

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/cluebot/cluebot/store"
)

// editorName is the name errors in rules text from the console are placed
// in; the API reports lines alone.
const editorName = "rules.yaml"

// InvalidError is rules text that does not check: Preview and Save change
// nothing. LineErrors(e.Err) lists its problems by line.
type InvalidError struct{ Err error }

// Error lists the problems.
func (e *InvalidError) Error() string { return "invalid rules: " + e.Err.Error() }

// Unwrap returns the Checker's error.
func (e *InvalidError) Unwrap() error { return e.Err }

// Preview replays the leads stored in the window since before now with the
// rules in force and with text; text that does not check is an
// *InvalidError.
func (a *API) Preview(ctx context.Context, text string, since time.Duration) (*Result, error) {
	after, err := a.Check(editorName, []byte(text))
	if err != nil {
		return nil, &InvalidError{err}
	}
	before, err := a.InForce(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the rules in force: %w", err)
	}
	now, opts := a.now(), a.Options
	if a.Names != nil {
		opts.AccountNames = a.Names()
	}
	res, err := Replay(ctx, a.Store, before, after, Window(now, since), opts)
	if err != nil {
		return nil, fmt.Errorf("replay the stored leads: %w", err)
	}
	return res, nil
}

// Save makes text the version in force, by user with comment, and returns
// its id: audited and applied when those hooks are set, written to Path
// where it is writable. Text that does not check is an *InvalidError and
// changes nothing. Callers check the user is an admin.
func (a *API) Save(ctx context.Context, user, text, comment string) (string, error) {
	rules, err := a.Check(editorName, []byte(text))
	if err != nil {
		return "", &InvalidError{err}
	}
	v := store.RulesVersion{Author: user, Comment: comment, At: a.now(), Text: text}
	id, err := Save(ctx, a.Store, v, a.Path)
	var fe *FileError
	switch {
	case errors.As(err, &fe):
		a.log().Warn("rules saved in the store only", "version", id, "err", err)
	case err != nil:
		return "", err
	}
	v.ID, v.Hash = id, store.RulesHash(v.Text)
	a.log().Info("rules saved", "version", id, "author", user)
	if a.Audit != nil {
		e := store.AuditEntry{At: v.At, User: user, Action: "rules", Target: id, Detail: comment}
		if err := a.Audit(ctx, e); err != nil {
			a.log().Error("rules save not audited", "version", id, "err", err)
		}
	}
	if a.Apply != nil {
		a.Apply(v, rules)
	}
	return id, nil
}

// preview answers POST /api/rules/preview {"rules", "since"} (a "comment",
// as PUT takes, is ignored) with the
// replay of the leads stored in the window, or 422 with the errors.
func (a *API) preview(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := a.user(w, r); !ok {
		return
	}
	var req struct {
		Rules string `json:"rules"`
		Since string `json:"since"`
		// Comment is PUT's; accepted and ignored, so the editor can
		// preview with the body it saves.
		Comment string `json:"comment"`
	}
	if !decode(w, r, &req) {
		return
	}
	since, err := ParseSince(req.Since)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	res, err := a.Preview(r.Context(), req.Rules, since)
	var inv *InvalidError
	switch {
	case errors.As(err, &inv):
		writeInvalid(w, inv.Err)
	case err != nil:
		a.internal(w, "cannot replay the stored leads", err)
	default:
		writeJSON(w, http.StatusOK, res)
	}
}

// put answers PUT /api/rules {"rules", "comment"}: an admin's save becomes
// the version in force, 200 {"version": id}; invalid rules change nothing.
func (a *API) put(w http.ResponseWriter, r *http.Request) {
	name, role, ok := a.user(w, r)
	if !ok {
		return
	}
	if role != store.RoleAdmin {
		writeError(w, http.StatusForbidden, "only an admin changes the rules")
		return
	}
	var req struct {
		Rules   string `json:"rules"`
		Comment string `json:"comment"`
	}
	if !decode(w, r, &req) {
		return
	}
	id, err := a.Save(r.Context(), name, req.Rules, req.Comment)
	var inv *InvalidError
	switch {
	case errors.As(err, &inv):
		writeInvalid(w, inv.Err)
	case err != nil:
		a.internal(w, "cannot save the rules", err)
	default:
		writeJSON(w, http.StatusOK, map[string]string{"version": id})
	}
}

// versionJSON is a version as the history shows it.
type versionJSON struct {
	ID      string    `json:"id"`
	Author  string    `json:"author"`
	Comment string    `json:"comment"`
	At      time.Time `json:"at"`
	Rules   *string   `json:"rules,omitempty"`
}

func (a *API) versionJSON(v store.RulesVersion) versionJSON {
	at := v.At
	if a.Options.Zone != nil {
		at = at.In(a.Options.Zone)
	}
	return versionJSON{ID: v.ID, Author: v.Author, Comment: v.Comment, At: at}
}

// history answers GET /api/rules/history: every version, newest first.
func (a *API) history(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := a.user(w, r); !ok {
		return
	}
	list, err := a.Store.RulesVersions(r.Context(), 0)
	if err != nil {
		a.internal(w, "cannot list the rules versions", err)
		return
	}
	out := make([]versionJSON, len(list))
	for i, v := range list {
		out[i] = a.versionJSON(v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": out})
}

// version answers GET /api/rules/history/{id}: one version with its text.
func (a *API) version(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := a.user(w, r); !ok {
		return
	}
	v, err := a.Store.RulesVersion(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no such rules version")
		return
	}
	if err != nil {
		a.internal(w, "cannot read the rules version", err)
		return
	}
	out := a.versionJSON(v)
	out.Rules = &v.Text
	writeJSON(w, http.StatusOK, out)
}
