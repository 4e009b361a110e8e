package rulesdiff

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/store"
)

// apiTrial serves the rules API over a store of replayLeads, with the
// rules file holding baseRules. The test's sign-in is two headers.
type apiTrial struct {
	srv     *httptest.Server
	st      Store
	path    string
	mu      sync.Mutex
	applied []string
	audit   []store.AuditEntry
}

func newAPITrial(t *testing.T) *apiTrial {
	t.Helper()
	tr := &apiTrial{st: openSQLite(t, replayLeads...), path: filepath.Join(t.TempDir(), "rules.yaml")}
	require.NoError(t, os.WriteFile(tr.path, []byte(baseRules), 0o644))
	known := map[string]bool{"henan-sales": true, "gd-sales": true, "managers": true}
	api := &API{
		Store: tr.st,
		Check: func(name string, text []byte) (*route.Rules, error) {
			r, err := route.Check(name, text, known)
			if err != nil {
				return nil, err
			}
			r.Zone = beijing
			return r, nil
		},
		InForce: func(context.Context) (*route.Rules, error) { return parse(t, baseRules), nil },
		Apply: func(v store.RulesVersion, _ *route.Rules) {
			tr.mu.Lock()
			defer tr.mu.Unlock()
			tr.applied = append(tr.applied, v.ID)
		},
		Audit: func(_ context.Context, e store.AuditEntry) error {
			tr.mu.Lock()
			defer tr.mu.Unlock()
			tr.audit = append(tr.audit, e)
			return nil
		},
		Path:    tr.path,
		Options: Options{Zone: beijing},
		Now:     func() time.Time { return day.Add(24 * time.Hour) },
	}
	h := api.Handler()
	tr.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u := r.Header.Get("X-Test-User"); u != "" {
			r = r.WithContext(WithUser(r.Context(), u, r.Header.Get("X-Test-Role")))
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(tr.srv.Close)
	return tr
}

// do sends a request as user (role admin or viewer; "" nobody) and returns
// the status and the decoded JSON body.
func (tr *apiTrial) do(t *testing.T, method, path, user, role string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		require.NoError(t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, tr.srv.URL+path, rd)
	require.NoError(t, err)
	if user != "" {
		req.Header.Set("X-Test-User", user)
		req.Header.Set("X-Test-Role", role)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

const badRules = "routes:\n  - name: henan\n    match: {provnce: 河南}\n    receivers: [henan-sales]\n  - name: x\n    receivers: [nobody]\n"

func TestRulesAPIPreview(t *testing.T) {
	tr := newAPITrial(t)
	tests := []struct {
		name, user, role string
		body             any
		code             int
		check            func(t *testing.T, out map[string]any)
	}{
		{name: "nobody signed in", body: map[string]string{"rules": withoutHenan}, code: 401},
		{name: "a viewer previews", user: "王经理", role: store.RoleViewer, body: map[string]string{"rules": withoutHenan}, code: 200,
			check: func(t *testing.T, out map[string]any) {
				require.EqualValues(t, 6, out["leads"])
				require.EqualValues(t, 3, out["changed"])
				require.Equal(t, map[string]any{"before": 3.0, "after": 0.0}, out["routes"].(map[string]any)["henan"])
				require.Equal(t, map[string]any{"before": 1.0, "after": 4.0}, out["receivers"].(map[string]any)["managers"])
				require.Equal(t, map[string]any{"before": 0.0, "after": 0.0}, out["unrouted"])
				ex := out["examples"].([]any)[0].(map[string]any)
				require.Equal(t, "138****0001", ex["phone"])
				require.Equal(t, []any{"henan"}, ex["before"])
			}},
		{name: "the window", user: "admin", role: store.RoleAdmin, body: map[string]string{"rules": withoutHenan, "since": "14h"}, code: 200,
			check: func(t *testing.T, out map[string]any) {
				require.EqualValues(t, 1, out["leads"], "only the 20:00 lead is within 14 hours of the next day's 10:00")
			}},
		{name: "invalid rules", user: "admin", role: store.RoleAdmin, body: map[string]string{"rules": badRules}, code: 422,
			check: func(t *testing.T, out map[string]any) {
				errs := out["errors"].([]any)
				require.Len(t, errs, 2)
				require.EqualValues(t, 3, errs[0].(map[string]any)["line"])
				require.Contains(t, errs[0].(map[string]any)["message"], "provnce")
				require.EqualValues(t, 6, errs[1].(map[string]any)["line"])
				require.Contains(t, errs[1].(map[string]any)["message"], `unknown receiver "nobody"`)
			}},
		{name: "not YAML", user: "admin", role: store.RoleAdmin, body: map[string]string{"rules": "routes: [\n"}, code: 422},
		{name: "an unclosed [ at its line", user: "admin", role: store.RoleAdmin, code: 422,
			body: map[string]string{"rules": "routes:\n  - name: henan\n    match: {province: 河南}\n    receivers: [henan-sales\n  - name: all\n    receivers: [managers]\n"},
			check: func(t *testing.T, out map[string]any) {
				errs := out["errors"].([]any)
				require.Len(t, errs, 1)
				require.EqualValues(t, 4, errs[0].(map[string]any)["line"], "the line of the [, not the parser's line 3")
				require.Equal(t, "yaml: did not find expected ',' or ']'", errs[0].(map[string]any)["message"])
			}},
		{name: "the save's body previews, its comment ignored", user: "admin", role: store.RoleAdmin, code: 200,
			body: map[string]string{"rules": withoutHenan, "comment": "河南并入总部"},
			check: func(t *testing.T, out map[string]any) {
				require.EqualValues(t, 3, out["changed"])
			}},
		{name: "a bad window", user: "admin", role: store.RoleAdmin, body: map[string]string{"rules": withoutHenan, "since": "week"}, code: 400},
		{name: "not JSON", user: "admin", role: store.RoleAdmin, body: "rules: x", code: 400},
		{name: "unknown keys", user: "admin", role: store.RoleAdmin, body: map[string]string{"rules": withoutHenan, "window": "7d"}, code: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := tr.do(t, http.MethodPost, "/api/rules/preview", tt.user, tt.role, tt.body)
			require.Equal(t, tt.code, code, out)
			if tt.code >= 400 && tt.code != 422 {
				require.NotEmpty(t, out["error"])
			}
			if tt.check != nil {
				tt.check(t, out)
			}
		})
	}
}

func TestRulesAPISaveAndHistory(t *testing.T) {
	tr := newAPITrial(t)
	// Refused: nothing changes, neither the store nor the file.
	for _, tt := range []struct {
		name, user, role string
		body             any
		code             int
	}{
		{"nobody signed in", "", "", map[string]string{"rules": withoutHenan}, 401},
		{"a viewer", "王经理", store.RoleViewer, map[string]string{"rules": withoutHenan}, 403},
		{"invalid rules", "admin", store.RoleAdmin, map[string]string{"rules": badRules, "comment": "x"}, 422},
		{"not JSON", "admin", store.RoleAdmin, "{", 400},
	} {
		code, out := tr.do(t, http.MethodPut, "/api/rules", tt.user, tt.role, tt.body)
		require.Equal(t, tt.code, code, "%s: %v", tt.name, out)
	}
	code, out := tr.do(t, http.MethodGet, "/api/rules/history", "admin", store.RoleAdmin, nil)
	require.Equal(t, 200, code)
	require.Equal(t, map[string]any{"versions": []any{}}, out)
	b, err := os.ReadFile(tr.path)
	require.NoError(t, err)
	require.Equal(t, baseRules, string(b))

	code, out = tr.do(t, http.MethodPut, "/api/rules", "admin", store.RoleAdmin,
		map[string]string{"rules": withoutHenan, "comment": "henan leads go to the managers"})
	require.Equal(t, 200, code, out)
	id := out["version"].(string)
	require.NotEmpty(t, id)
	require.Equal(t, []string{id}, tr.applied, "this instance routes by it at once")
	require.Equal(t, []store.AuditEntry{{At: day.Add(24 * time.Hour), User: "admin", Action: "rules", Target: id,
		Detail: "henan leads go to the managers"}}, tr.audit)
	b, err = os.ReadFile(tr.path)
	require.NoError(t, err)
	require.Equal(t, withoutHenan, string(b), "the file is written too")
	seen, err := tr.st.RulesFileSeen(t.Context())
	require.NoError(t, err)
	require.Equal(t, store.RulesHash(withoutHenan), seen)

	code, out = tr.do(t, http.MethodGet, "/api/rules/history", "王经理", store.RoleViewer, nil)
	require.Equal(t, 200, code)
	versions := out["versions"].([]any)
	require.Len(t, versions, 1)
	require.Equal(t, map[string]any{"id": id, "author": "admin", "comment": "henan leads go to the managers",
		"at": "2025-03-04T10:00:00+08:00"}, versions[0])

	code, out = tr.do(t, http.MethodGet, "/api/rules/history/"+id, "王经理", store.RoleViewer, nil)
	require.Equal(t, 200, code)
	require.Equal(t, withoutHenan, out["rules"])
	require.Equal(t, "admin", out["author"])
	code, out = tr.do(t, http.MethodGet, "/api/rules/history/999", "admin", store.RoleAdmin, nil)
	require.Equal(t, 404, code)
	require.NotEmpty(t, out["error"])
	code, _ = tr.do(t, http.MethodGet, "/api/rules/history/"+id, "", "", nil)
	require.Equal(t, 401, code)

	// A second save follows the first, newest first in the history.
	code, out = tr.do(t, http.MethodPut, "/api/rules", "admin", store.RoleAdmin, map[string]string{"rules": baseRules, "comment": "restore"})
	require.Equal(t, 200, code, out)
	code, out = tr.do(t, http.MethodGet, "/api/rules/history", "admin", store.RoleAdmin, nil)
	require.Equal(t, 200, code)
	versions = out["versions"].([]any)
	require.Len(t, versions, 2)
	require.Equal(t, "restore", versions[0].(map[string]any)["comment"])
}

func TestRulesAPISaveReadOnlyFile(t *testing.T) {
	tr := newAPITrial(t)
	// The file's folder cannot take the temporary file: a read-only mount.
	dir := filepath.Dir(tr.path)
	blocked := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(blocked, nil, 0o600))
	api := &API{Store: tr.st, Check: func(name string, text []byte) (*route.Rules, error) {
		return route.Parse(name, text)
	}, Path: filepath.Join(blocked, "rules.yaml"), Now: time.Now}
	req := httptest.NewRequest(http.MethodPut, "/api/rules", strings.NewReader(`{"rules": "routes:\n  - name: all\n    receivers: [managers]\n"}`))
	req = req.WithContext(WithUser(req.Context(), "admin", store.RoleAdmin))
	rec := httptest.NewRecorder()
	api.Handler().ServeHTTP(rec, req)
	require.Equal(t, 200, rec.Code, rec.Body.String())
	in, err := tr.st.RulesInForce(t.Context())
	require.NoError(t, err)
	require.Equal(t, "admin", in.Author, "in force though the file was not written")
	seen, err := tr.st.RulesFileSeen(t.Context())
	require.NoError(t, err)
	require.Empty(t, seen, "the file's text is not the saved one")
}
