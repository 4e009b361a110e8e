package console

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/cluebot/cluebot/store"
)

// writeJSON sends v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// writeError sends the API's error shape, {"error": msg}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// readJSON decodes the request's JSON object into v, strictly; on a
// problem it answers 400 and returns false.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "bad JSON body: "+err.Error())
		return false
	}
	if dec.More() {
		writeError(w, http.StatusBadRequest, "bad JSON body: more than one value")
		return false
	}
	return true
}

// fail answers a store or internal error: 404 for a row that is not there,
// else 500 with the cause logged, not sent.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		c.problem(w, r, http.StatusNotFound, pick(isAPI(r), "not found", "没有找到"))
		return
	}
	c.log.Error("console request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	c.problem(w, r, http.StatusInternalServerError, pick(isAPI(r), "internal error; see the log", "内部错误，请查看日志"))
}

// refuse answers 403 with why.
func (c *Console) refuse(w http.ResponseWriter, r *http.Request, why string) {
	c.problem(w, r, http.StatusForbidden, why)
}

// problem answers status with msg: JSON for the API, a page otherwise.
func (c *Console) problem(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if isAPI(r) {
		writeError(w, status, msg)
		return
	}
	c.render(w, r, status, "error", nil, map[string]any{"Status": status, "Message": msg})
}

// intParam reads a non-negative integer query parameter; def when absent,
// false when it is not a number.
func intParam(q url.Values, name string, def int) (int, bool) {
	v := q.Get(name)
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}
