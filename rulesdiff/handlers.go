package rulesdiff

import (
	"errors"
	"net/http"
	"time"

	"github.com/cluebot/cluebot/store"
)

// editorName is the name errors in rules text from the console are placed
// in; the API reports lines alone.
const editorName = "rules.yaml"

// preview answers POST /api/rules/preview {"rules", "since"} with the
// replay of the leads stored in the window, or 422 with the errors.
func (a *API) preview(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := a.user(w, r); !ok {
		return
	}
	var req struct {
		Rules string `json:"rules"`
		Since string `json:"since"`
	}
	if !decode(w, r, &req) {
		return
	}
	since, err := ParseSince(req.Since)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	after, err := a.Check(editorName, []byte(req.Rules))
	if err != nil {
		writeInvalid(w, err)
		return
	}
	before, err := a.InForce(r.Context())
	if err != nil {
		a.internal(w, "cannot read the rules in force", err)
		return
	}
	now := a.now()
	res, err := Replay(r.Context(), a.Store, before, after, store.ClueFilter{From: now.Add(-since), To: now}, a.Options)
	if err != nil {
		a.internal(w, "cannot replay the stored leads", err)
		return
	}
	writeJSON(w, http.StatusOK, res)
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
	rules, err := a.Check(editorName, []byte(req.Rules))
	if err != nil {
		writeInvalid(w, err)
		return
	}
	v := store.RulesVersion{Author: name, Comment: req.Comment, At: a.now(), Text: req.Rules}
	id, err := Save(r.Context(), a.Store, v, a.Path)
	var fe *FileError
	switch {
	case errors.As(err, &fe):
		a.log().Warn("rules saved in the store only", "version", id, "err", err)
	case err != nil:
		a.internal(w, "cannot save the rules", err)
		return
	}
	v.ID, v.Hash = id, store.RulesHash(v.Text)
	a.log().Info("rules saved", "version", id, "author", name)
	if a.Audit != nil {
		e := store.AuditEntry{At: v.At, User: name, Action: "rules", Target: id, Detail: req.Comment}
		if err := a.Audit(r.Context(), e); err != nil {
			a.log().Error("rules save not audited", "version", id, "err", err)
		}
	}
	if a.Apply != nil {
		a.Apply(v, rules)
	}
	writeJSON(w, http.StatusOK, map[string]string{"version": id})
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
