package console

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// pageClient is a client signed in through the login form, with the CSRF
// token read from a page.
func (e *env) pageClient(name, pw string) *client {
	e.t.Helper()
	cl := e.anon()
	resp, body := cl.form("/login", url.Values{"username": {name}, "password": {pw}, "next": {"/leads"}})
	require.Equal(e.t, http.StatusSeeOther, resp.StatusCode, body)
	require.Equal(e.t, "/leads", resp.Header.Get("Location"))
	_, body = cl.get("/")
	const marker = `name="csrf_token" value="`
	i := strings.Index(body, marker)
	require.Positive(e.t, i, body)
	rest := body[i+len(marker):]
	cl.csrf = rest[:strings.IndexByte(rest, '"')]
	return cl
}

// TestPagesEscapeLeadFields: every lead field is text, never markup, in
// the search, the lead's page and the deliveries page.
func TestPagesEscapeLeadFields(t *testing.T) {
	e := newEnv(t, "")
	e.seed()
	admin := e.pageClient("admin", adminPass)
	for _, p := range []string{"/leads", "/leads?q=" + url.QueryEscape("<script>"), "/leads/" + idHostile, "/deliveries", "/"} {
		resp, body := admin.get(p)
		require.Equal(t, http.StatusOK, resp.StatusCode, p)
		require.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
		for _, raw := range []string{"<script", "<img", "<b>粗", "<i>备注"} {
			require.NotContains(t, body, raw, "%s shows %q unescaped", p, raw)
		}
	}
	_, body := admin.get("/leads/" + idHostile)
	require.Contains(t, body, "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;&lt;b&gt;粗&lt;/b&gt;")
	require.Contains(t, body, "&lt;img src=x onerror=alert(1)&gt;落地页")
	require.Contains(t, body, "&lt;i&gt;备注&lt;/i&gt;")
	require.Contains(t, body, "&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;")
	require.Contains(t, body, "&lt;script&gt;alert(&#34;err&#34;)&lt;/script&gt; 400")
	_, body = admin.get("/leads?q=" + url.QueryEscape(`"><script>x</script>`))
	require.Contains(t, body, `value="&#34;&gt;&lt;script&gt;x&lt;/script&gt;"`, "the search box")
}

// TestPagesForViewer: phones masked everywhere a viewer looks (the form's
// phone answer too), no admin buttons, and the mark buttons work.
func TestPagesForViewer(t *testing.T) {
	e := newEnv(t, "")
	e.seed()
	viewer := e.pageClient("王经理", viewerPass)
	for _, p := range []string{"/leads", "/leads/" + idPlain, "/leads/" + idHostile, "/deliveries"} {
		resp, body := viewer.get(p)
		require.Equal(t, http.StatusOK, resp.StatusCode, p)
		require.NotContains(t, body, phonePlain, p)
		require.NotContains(t, body, phoneHostile, p)
		require.NotContains(t, body, "retry", p)
		require.NotContains(t, body, `href="/forget"`, p)
	}
	_, body := viewer.get("/leads/" + idPlain)
	require.Contains(t, body, "138****5678")
	require.Contains(t, body, "郑州")
	require.Contains(t, body, `action="/leads/`+idPlain+`/mark"`)

	resp, body := viewer.form("/leads/"+idPlain+"/mark", url.Values{"status": {"contacted"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	require.Equal(t, "/leads/"+idPlain, resp.Header.Get("Location"))
	_, body = viewer.get("/leads/" + idPlain)
	require.Contains(t, body, "已联系 · 王经理")
	resp, _ = viewer.get("/forget")
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
}

// TestPagesForAdmin: full phones, retry buttons that work and lead back,
// the overview's numbers, the audit log and the forget form.
func TestPagesForAdmin(t *testing.T) {
	e := newEnv(t, "")
	e.seed()
	admin := e.pageClient("admin", adminPass)
	_, body := admin.get("/leads/" + idPlain)
	require.Contains(t, body, phonePlain)
	require.Contains(t, body, "李四")
	require.Contains(t, body, "重试")

	_, body = admin.get("/")
	require.Contains(t, body, "今日线索")
	require.Contains(t, body, `<span class="num">2</span>推送失败`)
	require.Contains(t, body, `<span class="num">3</span>今日线索`)
	require.Contains(t, body, "henan")

	dead := e.deadIDs()
	resp, body := admin.form("/deliveries/"+itoa(dead[idPlain])+"/retry", url.Values{"back": {"/leads/" + idPlain}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	require.Equal(t, "/leads/"+idPlain, resp.Header.Get("Location"))
	resp, _ = admin.form("/receivers/managers/retry-dead", url.Values{"back": {"//evil.example"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/", resp.Header.Get("Location"))
	_, body = admin.get("/deliveries?state=pending")
	require.Contains(t, body, idPlain)
	require.Contains(t, body, idHostile)

	resp, body = admin.form("/forget", url.Values{"phone": {phoneHostile}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.Contains(t, body, "已删除 1 条线索")
	_, body = admin.get("/audit")
	for _, a := range []string{"retry", "retry-dead", "forget"} {
		require.Contains(t, body, "<td>"+a+"</td>")
	}
	require.NotContains(t, body, phoneHostile)
	_, body = admin.get("/audit?limit=1&offset=1")
	require.Equal(t, 1, strings.Count(body, "<tr><td>"), "one entry a page")
	require.Contains(t, body, `href="/audit?limit=1&amp;offset=0"`)
	require.Contains(t, body, `href="/audit?limit=1&amp;offset=2"`)

	resp, _ = admin.form("/logout", url.Values{})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, _ = admin.get("/")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "signed out")
}

// TestLoginPage: the form, its errors, and the way back.
func TestLoginPage(t *testing.T) {
	e := newEnv(t, "")
	resp, body := e.anon().get("/login?next=%2Fleads%3Fq%3D1")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, body, `name="next" value="/leads?q=1"`)
	require.NotContains(t, body, "<script")

	resp, body = e.anon().form("/login", url.Values{"username": {"admin"}, "password": {"wrong"}})
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	require.Contains(t, body, "用户名或密码错误")
	resp, _ = e.anon().form("/login", url.Values{"username": {"admin"}, "password": {adminPass}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/", resp.Header.Get("Location"))

	cl := e.anon()
	req, err := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader(url.Values{"username": {"admin"}, "password": {adminPass}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	resp, _ = cl.do(req)
	require.Equal(t, http.StatusForbidden, resp.StatusCode, "a form posted from another site")
}
