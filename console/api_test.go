package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// leadsAnswer is GET /api/leads's body.
type leadsAnswer struct {
	Leads []leadView `json:"leads"`
	Total int        `json:"total"`
}

// TestAPILeads: the search by each kind of q, its bounds and its errors,
// and phones masked for a viewer.
func TestAPILeads(t *testing.T) { onEachStore(t, testAPILeads) }

func testAPILeads(t *testing.T, backend string) {
	e := newEnvOn(t, backend, "")
	e.seed()
	admin, viewer := e.signIn("admin", adminPass), e.signIn("王经理", viewerPass)
	search := func(cl *client, q url.Values) leadsAnswer {
		t.Helper()
		code, body := cl.json("GET", "/api/leads?"+q.Encode(), nil)
		require.Equal(t, http.StatusOK, code, body)
		var a leadsAnswer
		decode(t, body, &a)
		return a
	}
	ids := func(a leadsAnswer) []string {
		out := []string{}
		for _, l := range a.Leads {
			out = append(out, l.ID)
		}
		return out
	}
	tests := []struct {
		name string
		q    url.Values
		want []string
	}{
		{"all, newest first", url.Values{}, []string{idAlone, idHostile, idPlain}},
		{"name substring", url.Values{"q": {"张三"}}, []string{idPlain}},
		{"whole phone", url.Values{"q": {phonePlain}}, []string{idPlain}},
		{"last 4 digits", url.Values{"q": {"1111"}}, []string{idHostile}},
		{"exact id", url.Values{"q": {idAlone}}, []string{idAlone}},
		{"page name substring", url.Values{"q": {"装修报名"}}, []string{idPlain}},
		{"route", url.Values{"route": {"henan"}}, []string{idHostile, idPlain}},
		{"from a time", url.Values{"from": {"2026-03-09 10:00"}}, []string{idAlone, idHostile}},
		{"to a date, RFC 3339 from", url.Values{"from": {"2026-03-09T00:00:00+08:00"}, "to": {"2026-03-09 10:00"}}, []string{idPlain}},
		{"limit and offset", url.Values{"limit": {"1"}, "offset": {"1"}}, []string{idHostile}},
		{"nothing", url.Values{"q": {"没有这个人"}}, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := search(admin, tc.q)
			require.Equal(t, tc.want, ids(a))
			if tc.q.Get("limit") == "" {
				require.Equal(t, len(tc.want), a.Total)
			} else {
				require.Equal(t, 3, a.Total)
			}
		})
	}

	a := search(admin, url.Values{"q": {phonePlain}})
	l := a.Leads[0]
	require.Equal(t, phonePlain, l.Phone)
	require.Equal(t, "张三", l.UserName)
	require.Equal(t, []string{"henan"}, l.Routes)
	require.Equal(t, []string{"李四"}, l.Assignees)
	require.Equal(t, "none", l.Followup.State)
	require.Len(t, l.Deliveries, 2)
	byReceiver := map[string]deliveryView{}
	for _, d := range l.Deliveries {
		byReceiver[d.Receiver] = d
	}
	require.Equal(t, "sent", byReceiver["sales"].State)
	require.NotNil(t, byReceiver["sales"].SentAt)
	require.Equal(t, "dead", byReceiver["managers"].State)
	require.Equal(t, hostileError, byReceiver["managers"].Error)
	require.Equal(t, "alert", byReceiver["managers"].Kind)
	// Every key the contract lists is in the JSON: sent_at is null until sent.
	_, raw := admin.json("GET", "/api/leads?"+url.Values{"q": {phonePlain}}.Encode(), nil)
	var keys struct {
		Leads []struct {
			Deliveries []map[string]any `json:"deliveries"`
		} `json:"leads"`
	}
	decode(t, raw, &keys)
	for _, d := range keys.Leads[0].Deliveries {
		for _, k := range []string{"id", "route", "receiver", "kind", "state", "attempts", "error", "sent_at"} {
			require.Contains(t, d, k)
		}
	}

	v := search(viewer, url.Values{"q": {phonePlain}})
	require.Equal(t, "138****5678", v.Leads[0].Phone, "masked for a viewer")
	code, body := viewer.json("GET", "/api/leads", nil)
	require.Equal(t, http.StatusOK, code)
	require.NotContains(t, body, phonePlain)
	require.NotContains(t, body, phoneHostile)

	for _, bad := range []string{"from=yesterday", "to=2026-13-01", "limit=-1", "offset=x"} {
		code, body := admin.json("GET", "/api/leads?"+bad, nil)
		require.Equal(t, http.StatusBadRequest, code, bad)
		errorOf(t, body)
	}
	q, err := e.c.leadQuery(url.Values{"limit": {"100000"}})
	require.NoError(t, err)
	require.Equal(t, MaxLimit, q.Limit)
	q, err = e.c.leadQuery(url.Values{})
	require.NoError(t, err)
	require.Equal(t, DefaultLimit, q.Limit)
}

// TestAPILead: one lead with its history; 404 for an unknown one; a
// viewer's is masked.
func TestAPILead(t *testing.T) { onEachStore(t, testAPILead) }

func testAPILead(t *testing.T, backend string) {
	e := newEnvOn(t, backend, "")
	e.seed()
	admin, viewer := e.signIn("admin", adminPass), e.signIn("王经理", viewerPass)
	code, body := admin.json("GET", "/api/leads/"+idPlain, nil)
	require.Equal(t, http.StatusOK, code, body)
	var l leadView
	decode(t, body, &l)
	require.Equal(t, phonePlain, l.Phone)
	require.Len(t, l.History, 1)
	require.Len(t, l.Deliveries, 2)

	code, body = viewer.json("GET", "/api/leads/"+idPlain, nil)
	require.Equal(t, http.StatusOK, code)
	require.NotContains(t, body, phonePlain)

	code, body = admin.json("GET", "/api/leads/404", nil)
	require.Equal(t, http.StatusNotFound, code)
	require.Equal(t, "not found", errorOf(t, body))
}

// TestAPIMark: any signed-in user marks; a later mark replaces; the mark
// is audited; a bad status is 400 and an unknown lead 404.
func TestAPIMark(t *testing.T) { onEachStore(t, testAPIMark) }

func testAPIMark(t *testing.T, backend string) {
	e := newEnvOn(t, backend, "")
	e.seed()
	admin, viewer := e.signIn("admin", adminPass), e.signIn("王经理", viewerPass)
	code, body := viewer.json("POST", "/api/leads/"+idPlain+"/mark", map[string]string{"status": "contacted"})
	require.Equal(t, http.StatusOK, code, body)
	code, body = admin.json("POST", "/api/leads/"+idPlain+"/mark", map[string]string{"status": "invalid"})
	require.Equal(t, http.StatusOK, code, body)
	code, body = admin.json("GET", "/api/leads/"+idPlain, nil)
	require.Equal(t, http.StatusOK, code)
	var l leadView
	decode(t, body, &l)
	require.Equal(t, "done", l.Followup.State)
	require.Equal(t, "invalid", l.Followup.Status)
	require.Equal(t, "admin", l.Followup.By)

	code, body = admin.json("POST", "/api/leads/"+idPlain+"/mark", map[string]string{"status": "called"})
	require.Equal(t, http.StatusBadRequest, code, body)
	code, body = admin.json("POST", "/api/leads/404/mark", map[string]string{"status": "invalid"})
	require.Equal(t, http.StatusNotFound, code, body)

	entries := audit(t, e)
	require.Len(t, entries, 2)
	require.Equal(t, store.AuditEntry{User: "admin", Action: "mark", Target: idPlain, Detail: "invalid"}, entries[0])
	require.Equal(t, "王经理", entries[1].User)
}

// audit returns the audit log, newest first, without ids and times.
func audit(t *testing.T, e *env) []store.AuditEntry {
	t.Helper()
	entries, err := e.st.Audit(context.Background(), 100, 0)
	require.NoError(t, err)
	for i := range entries {
		entries[i].ID, entries[i].At = 0, time.Time{}
	}
	return entries
}

// TestAPIDeliveries: the list by state and receiver, a retry (202, then
// 409, 404 unknown), a receiver's dead retried (202 with the count), all
// audited.
func TestAPIDeliveries(t *testing.T) { onEachStore(t, testAPIDeliveries) }

func testAPIDeliveries(t *testing.T, backend string) {
	e := newEnvOn(t, backend, "")
	e.seed()
	admin := e.signIn("admin", adminPass)
	list := func(q string) []deliveryView {
		t.Helper()
		code, body := admin.json("GET", "/api/deliveries?"+q, nil)
		require.Equal(t, http.StatusOK, code, body)
		var a struct{ Deliveries []deliveryView }
		decode(t, body, &a)
		return a.Deliveries
	}
	require.Len(t, list("state=dead"), 2)
	require.Len(t, list("state=dead&receiver=sales"), 0)
	require.Len(t, list("state=dead&receiver=managers"), 2)
	require.Len(t, list("state=pending"), 0)
	require.Len(t, list(""), 3)
	d := list("state=dead")[0]
	require.NotEmpty(t, d.LeadID)
	require.Equal(t, "managers", d.Receiver)
	_, body := admin.json("GET", "/api/deliveries?state=dead", nil)
	require.Regexp(t, `^\{"deliveries":\[\{"id":"\d+",`, body, "ids in JSON are strings")
	_, body = admin.json("GET", "/api/leads", nil)
	require.Regexp(t, `"deliveries":\[\{"id":"\d+",`, body, "ids in JSON are strings")
	require.NotRegexp(t, `"id":\d`, body)
	code, _ := admin.json("GET", "/api/deliveries?state=lost", nil)
	require.Equal(t, http.StatusBadRequest, code)

	dead := e.deadIDs()
	code, body = admin.json("POST", "/api/deliveries/"+itoa(dead[idPlain])+"/retry", nil)
	require.Equal(t, http.StatusAccepted, code, body)
	require.JSONEq(t, `{"queued": 1}`, body)
	code, body = admin.json("POST", "/api/deliveries/"+itoa(dead[idPlain])+"/retry", nil)
	require.Equal(t, http.StatusConflict, code, "queued once: %s", body)
	errorOf(t, body)
	code, _ = admin.json("POST", "/api/deliveries/999999/retry", nil)
	require.Equal(t, http.StatusNotFound, code)
	code, _ = admin.json("POST", "/api/deliveries/abc/retry", nil)
	require.Equal(t, http.StatusNotFound, code)
	require.Len(t, list("state=pending"), 1)

	code, body = admin.json("POST", "/api/receivers/managers/retry-dead", nil)
	require.Equal(t, http.StatusAccepted, code, body)
	require.JSONEq(t, `{"queued": 1}`, body)
	code, body = admin.json("POST", "/api/receivers/managers/retry-dead", nil)
	require.Equal(t, http.StatusAccepted, code, body)
	require.JSONEq(t, `{"queued": 0}`, body)

	entries := audit(t, e)
	require.Len(t, entries, 3)
	require.Equal(t, store.AuditEntry{User: "admin", Action: "retry-dead", Target: "managers", Detail: "0 queued"}, entries[0])
	require.Equal(t, store.AuditEntry{User: "admin", Action: "retry", Target: itoa(dead[idPlain])}, entries[2])
}

// TestAPIForget: an admin erases every lead with a phone; the audit log
// does not hold the number; a viewer is refused.
func TestAPIForget(t *testing.T) { onEachStore(t, testAPIForget) }

func testAPIForget(t *testing.T, backend string) {
	e := newEnvOn(t, backend, "")
	e.seed()
	admin, viewer := e.signIn("admin", adminPass), e.signIn("王经理", viewerPass)
	code, body := viewer.json("POST", "/api/forget", map[string]string{"phone": phonePlain})
	require.Equal(t, http.StatusForbidden, code, body)
	code, body = admin.json("POST", "/api/forget", map[string]string{"phone": " "})
	require.Equal(t, http.StatusBadRequest, code, body)

	code, body = admin.json("POST", "/api/forget", map[string]string{"phone": phonePlain})
	require.Equal(t, http.StatusOK, code, body)
	require.JSONEq(t, `{"forgotten": 1}`, body)
	code, _ = admin.json("GET", "/api/leads/"+idPlain, nil)
	require.Equal(t, http.StatusNotFound, code)
	code, body = admin.json("GET", "/api/leads?q="+phonePlain, nil)
	require.Equal(t, http.StatusOK, code)
	require.JSONEq(t, `{"leads": [], "total": 0}`, body)

	entries := audit(t, e)
	require.Equal(t, []store.AuditEntry{{User: "admin", Action: "forget", Target: "phone", Detail: "1 leads erased"}}, entries)
	_, body = admin.get("/audit")
	require.NotContains(t, body, phonePlain)
	require.NotContains(t, body, phonePlain[7:])
	require.True(t, strings.Contains(body, "forget"))
}
