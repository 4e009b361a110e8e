package console

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// keysOf returns the sorted keys of a JSON object.
func keysOf(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &m), string(raw))
	return slices.Sorted(maps.Keys(m))
}

// TestAPIFieldsAlwaysThere: every field the contract lists is in the JSON,
// whether or not it has a value: a lead's followup has by and at even when
// nobody followed it up, a delivery not sent has sent_at (null), and a lead
// without changes has an empty history, not none. A client reading the
// contract's names never finds one missing.
func TestAPIFieldsAlwaysThere(t *testing.T) {
	e := newEnv(t, "")
	e.seed()
	admin := e.signIn("admin", adminPass)

	code, body := admin.json("GET", "/api/leads/"+idHostile, nil)
	require.Equal(t, http.StatusOK, code, body)
	var lead map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(body), &lead))
	require.Subset(t, keysOf(t, []byte(body)), []string{"id", "user_name", "phone", "page_name", "create_time", "routes",
		"followup", "deliveries", "history"})
	require.JSONEq(t, `[]`, string(lead["history"]), "a lead without changes has an empty history")
	require.Subset(t, keysOf(t, lead["followup"]), []string{"state", "by", "at"})
	require.JSONEq(t, `{"state": "none", "by": "", "at": null}`, string(lead["followup"]))
	var deliveries []json.RawMessage
	require.NoError(t, json.Unmarshal(lead["deliveries"], &deliveries))
	require.Len(t, deliveries, 1)
	require.Subset(t, keysOf(t, deliveries[0]), []string{"id", "route", "receiver", "kind", "state", "attempts", "error", "sent_at"})
	var dead struct {
		State  string `json:"state"`
		SentAt any    `json:"sent_at"`
	}
	require.NoError(t, json.Unmarshal(deliveries[0], &dead))
	require.Equal(t, "dead", dead.State)
	require.Nil(t, dead.SentAt, "not sent: null")

	code, body = admin.json("GET", "/api/deliveries?state=dead", nil)
	require.Equal(t, http.StatusOK, code, body)
	var list struct{ Deliveries []json.RawMessage }
	require.NoError(t, json.Unmarshal([]byte(body), &list))
	require.NotEmpty(t, list.Deliveries)
	for _, d := range list.Deliveries {
		require.Subset(t, keysOf(t, d), []string{"id", "lead_id", "route", "receiver", "kind", "state", "attempts", "error"})
	}
}

// TestAPIWrongMethod: a method an endpoint does not take is 405 with the
// methods it does in Allow, as JSON; a path no endpoint has stays 404.
func TestAPIWrongMethod(t *testing.T) {
	e := newEnv(t, "")
	admin := e.signIn("admin", adminPass)
	tests := []struct {
		method, path string
		code         int
		allow        string
	}{
		{"POST", "/api/leads", http.StatusMethodNotAllowed, "GET, HEAD"},
		{"GET", "/api/forget", http.StatusMethodNotAllowed, "POST"},
		{"GET", "/api/session", http.StatusMethodNotAllowed, "POST, DELETE"},
		{"DELETE", "/api/deliveries/7/retry", http.StatusMethodNotAllowed, "POST"},
		{"GET", "/api/nothing-here", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			resp, body := admin.req(tt.method, tt.path, nil)
			require.Equal(t, tt.code, resp.StatusCode, body)
			require.Equal(t, tt.allow, resp.Header.Get("Allow"))
			require.NotEmpty(t, errorOf(t, body))
		})
	}
	resp, body := e.anon().req("POST", "/api/leads", nil)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "no session comes first: %s", body)
}
