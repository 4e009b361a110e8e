package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/rulesdiff"
	"github.com/cluebot/cluebot/store"
)

const (
	salesRules = "routes:\n  - name: all\n    receivers: [sales]\n"
	groupRules = "routes:\n  - name: all\n    receivers: [group]\n"
)

// withRules mounts a rules API over the env's store, the version in force
// being salesRules, and returns the rules each save applied.
func (e *env) withRules() *[]string {
	e.t.Helper()
	h := e.st.(store.RulesHistory)
	_, err := rulesdiff.Adopt(context.Background(), h, "rules.yaml", salesRules, now)
	require.NoError(e.t, err)
	check := func(name string, data []byte) (*route.Rules, error) {
		return route.Check(name, data, map[string]bool{"sales": true, "group": true})
	}
	var applied []string
	e.c.SetRules(&rulesdiff.API{Store: e.st.(rulesdiff.Store), Check: check, Now: e.clock.Now,
		InForce: func(ctx context.Context) (*route.Rules, error) {
			v, err := h.RulesInForce(ctx)
			if err != nil {
				return nil, err
			}
			return check("in force", []byte(v.Text))
		},
		Apply: func(v store.RulesVersion, _ *route.Rules) { applied = append(applied, v.Text) },
		Audit: e.st.AddAudit})
	return &applied
}

func TestRulesPage(t *testing.T) {
	e := newEnv(t, "")
	e.seed()
	applied := e.withRules()
	admin, viewer := e.signIn("admin", adminPass), e.signIn("王经理", viewerPass)

	resp, body := viewer.get("/rules")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, body, "receivers: [sales]")
	require.Contains(t, body, "历史版本")
	require.NotContains(t, body, "保存并生效", "a viewer has no save button")

	// Preview: every lead moves from sales to group.
	resp, body = viewer.form("/rules/preview", url.Values{"rules": {groupRules}, "since": {"7d"}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.Contains(t, body, `<strong id="changed">3</strong>`)
	require.Contains(t, body, "receivers: [group]", "the candidate stays in the editor")

	// Invalid rules: the errors at their lines, nothing saved.
	resp, body = admin.form("/rules", url.Values{"rules": {"routes:\n  - name: x\n    receivers: [nobody]\n"}, "comment": {"坏"}})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Contains(t, body, "第 3 行")
	require.Contains(t, body, "nobody")
	require.Empty(t, *applied)

	// A viewer cannot save; an admin can.
	resp, _ = viewer.form("/rules", url.Values{"rules": {groupRules}, "comment": {"试试"}})
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	resp, body = admin.form("/rules", url.Values{"rules": {groupRules}, "comment": {"<b>全部给群</b>"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	require.Equal(t, []string{groupRules}, *applied)
	list, err := e.st.(store.RulesHistory).RulesVersions(context.Background(), 0)
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Equal(t, "admin", list[0].Author)

	_, body = admin.get(resp.Header.Get("Location"))
	require.Contains(t, body, "已保存")
	require.Contains(t, body, "2026-03-09 15:00:00", "times in the console's zone")
	require.Contains(t, body, "&lt;b&gt;全部给群&lt;/b&gt;", "the comment is escaped")
	require.NotContains(t, body, "<b>全部给群")

	// The diff of the two versions, line by line.
	_, body = viewer.get("/rules?a=" + list[1].ID + "&b=" + list[0].ID)
	require.Contains(t, body, `<span class="del">-     receivers: [sales]</span>`)
	require.Contains(t, body, `<span class="add">&#43;     receivers: [group]</span>`)

	resp, _ = viewer.get("/rules?a=999999&b=" + list[0].ID)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, _ = admin.form("/rules/restore", url.Values{"id": {"999999"}})
	require.Equal(t, http.StatusNotFound, resp.StatusCode)

	// Restore the first version: a new version with its text.
	resp, _ = admin.form("/rules/restore", url.Values{"id": {list[1].ID}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	in, err := e.st.(store.RulesHistory).RulesInForce(context.Background())
	require.NoError(t, err)
	require.Equal(t, salesRules, in.Text)
	require.Equal(t, "恢复版本 "+list[1].ID, in.Comment)
	audit, err := e.st.Audit(context.Background(), 10, 0)
	require.NoError(t, err)
	require.Equal(t, "rules", audit[0].Action)
	require.Equal(t, "admin", audit[0].User)
}

func TestRulesAPI(t *testing.T) {
	e := newEnv(t, "")
	e.seed()
	e.withRules()
	admin, viewer := e.signIn("admin", adminPass), e.signIn("王经理", viewerPass)

	// The preview needs a session but no CSRF token.
	admin.csrf = ""
	code, body := admin.json("POST", "/api/rules/preview", map[string]string{"rules": groupRules})
	require.Equal(t, http.StatusOK, code, body)
	require.True(t, strings.Contains(body, `"changed":3`), body)
	code, _ = e.anon().json("POST", "/api/rules/preview", map[string]string{"rules": groupRules})
	require.Equal(t, http.StatusUnauthorized, code)

	// A save needs the CSRF token and an admin.
	code, _ = admin.json("PUT", "/api/rules", map[string]string{"rules": groupRules})
	require.Equal(t, http.StatusForbidden, code)
	code, _ = viewer.json("PUT", "/api/rules", map[string]string{"rules": groupRules})
	require.Equal(t, http.StatusForbidden, code)
	admin = e.signIn("admin", adminPass)
	code, body = admin.json("PUT", "/api/rules", map[string]string{"rules": groupRules, "comment": "群"})
	require.Equal(t, http.StatusOK, code, body)

	code, body = viewer.json("GET", "/api/rules/history", nil)
	require.Equal(t, http.StatusOK, code)
	var hist struct{ Versions []struct{ ID, Author string } }
	decode(t, body, &hist)
	require.Len(t, hist.Versions, 2)
	require.Equal(t, "admin", hist.Versions[0].Author)
	code, body = viewer.json("GET", "/api/rules/history/"+hist.Versions[0].ID, nil)
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, "receivers: [group]")
}
