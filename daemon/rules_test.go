package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/rulesdiff"
	"github.com/cluebot/cluebot/store"
)

const henanRules = "routes:\n  - name: henan\n    match: {province: 河南}\n    receivers: [group]\n  - name: rest\n    receivers: [sales]\n"

// rulesAPI is instance a's rules API, as the console mounts it; path is
// the rules file its saves write ("" for an instance whose file is not
// writable).
func rulesAPI(a *app.App, path string) http.Handler {
	api := &rulesdiff.API{Store: a.Store.(rulesdiff.Store), Check: a.Checker(), Apply: a.UseVersion, Path: path,
		InForce: func(context.Context) (*route.Rules, error) { return a.Live().Rules, nil }}
	h := api.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(rulesdiff.WithUser(r.Context(), "alice", store.RoleAdmin)))
	})
}

// saveRules PUTs text through h and returns the new version's id.
func saveRules(t *testing.T, h http.Handler, text, comment string) string {
	t.Helper()
	body, err := json.Marshal(map[string]string{"rules": text, "comment": comment})
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPut, "/api/rules", bytes.NewReader(body)))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var out struct{ Version string }
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
	return out.Version
}

func versions(t *testing.T, a *app.App) []store.RulesVersion {
	t.Helper()
	list, err := a.Store.(store.RulesHistory).RulesVersions(context.Background(), 0)
	require.NoError(t, err)
	return list
}

// TestRulesInForce walks the contract's cases with two instances, A and B,
// on one SQLite store and one rules file; B runs as a daemon.
func TestRulesInForce(t *testing.T) {
	e := newEnv(t, envOptions{})
	require.Len(t, versions(t, e.app), 1, "the file is the first version")
	require.Equal(t, store.AuthorFile, versions(t, e.app)[0].Author)

	b, err := app.New(context.Background(), e.cfg, slog.New(slog.NewJSONHandler(e.logs, nil)), app.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	require.Len(t, versions(t, b), 1, "the same file is not recorded again by a second instance")
	eb := *e
	eb.app = b
	t0 := e.clock.Now()
	d, stop := eb.start(Options{})
	rulesPath := filepath.Join(e.dir, "rules.yaml")
	fileBefore, err := os.ReadFile(rulesPath)
	require.NoError(t, err)

	// A saves where its file is not writable: A routes by it at once, B
	// within a poll interval, and the file keeps its text.
	saved := saveRules(t, rulesAPI(e.app, ""), henanRules, "河南单独一组")
	require.Equal(t, []string{"henan", "rest"}, routeNames(e))
	require.Equal(t, saved, e.app.Live().RulesVersion)
	require.Equal(t, []string{"all"}, routeNames(&eb), "B has not polled yet")
	e.advanceTo(d, JobRulesFollow, t0.Add(testPoll))
	require.Eventually(t, func() bool { return b.Live().RulesVersion == saved }, wait, time.Millisecond)
	require.Equal(t, []string{"henan", "rest"}, routeNames(&eb))
	after, err := os.ReadFile(rulesPath)
	require.NoError(t, err)
	require.Equal(t, fileBefore, after)

	// A restart of an instance whose read-only file is older than the
	// save keeps the save in force.
	c, err := app.New(context.Background(), e.cfg, slog.New(slog.DiscardHandler), app.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	require.Equal(t, saved, c.Live().RulesVersion)
	require.Equal(t, []string{"henan", "rest"}, routeNames(&env{app: c}))
	require.Len(t, versions(t, c), 2)

	// A save that writes the file too: B's hot reload sees the file, but
	// the same text is not recorded twice.
	mark := len(e.logs.String())
	only := "routes:\n  - name: only\n    receivers: [sales]\n"
	saved = saveRules(t, rulesAPI(e.app, rulesPath), only, "全部给销售")
	require.Eventually(t, func() bool { return strings.Contains(e.logs.String()[mark:], "rules.yaml reloaded") }, wait, time.Millisecond)
	require.Equal(t, saved, b.Live().RulesVersion)
	list := versions(t, b)
	require.Len(t, list, 3)
	require.Equal(t, "alice", list[0].Author)
	require.Equal(t, "全部给销售", list[0].Comment)

	// An edit of the file becomes a version, author file, in force on B at
	// once and on A when it polls.
	e.writeFile("rules.yaml", henanRules)
	require.Eventually(t, func() bool { return b.Live().RulesVersion != saved }, wait, time.Millisecond)
	require.Equal(t, []string{"henan", "rest"}, routeNames(&eb))
	list = versions(t, b)
	require.Len(t, list, 4)
	require.Equal(t, store.AuthorFile, list[0].Author)
	require.Equal(t, list[0].ID, b.Live().RulesVersion)
	changed, err := e.app.Follow(context.Background())
	require.NoError(t, err)
	require.True(t, changed)
	require.Equal(t, list[0].ID, e.app.Live().RulesVersion)
	require.NoError(t, stop())
}
