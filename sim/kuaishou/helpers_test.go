package kuaishou

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	testAdv     = int64(20006545)
	testAccess  = "access-0"
	testRefresh = "refresh-0"
	testAppID   = int64(165900000)
	testSecret  = "s3cret"
)

// t0 is the tests' reference instant, on a whole second of Beijing time.
var t0 = time.Date(2024, 5, 20, 12, 0, 0, 0, VendorZone)

// fakeClock is a settable, concurrency-safe clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// startSim starts a simulator on an httptest server with one account.
func startSim(t *testing.T, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	if opts.AppID == 0 {
		opts.AppID, opts.Secret = testAppID, testSecret
	}
	s := New(opts)
	s.AddAccount(testAdv, testAccess, testRefresh)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return s, hs
}

// reply is a decoded answer; Code is -1 when the body is not JSON.
type reply struct {
	Status      int
	ContentType string
	Body        []byte
	Code        int64
	Message     string
	RequestID   string
	Total       int64
	Details     []map[string]any
	Data        map[string]any
}

// call posts body to path and decodes the answer with UseNumber.
func call(t *testing.T, client *http.Client, url, path, token string, body any) reply {
	t.Helper()
	return decodeReply(post(t, client, url, path, token, body))
}

// post posts body to path and returns the raw answer.
func post(t *testing.T, client *http.Client, url, path, token string, body any) (int, string, []byte) {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, url+path, bytes.NewReader(b))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("access-token", token)
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("Content-Type"), raw
}

// decodeReply decodes a vendor envelope, ids as json.Number.
func decodeReply(status int, contentType string, raw []byte) reply {
	r := reply{Status: status, ContentType: contentType, Body: raw, Code: -1}
	var env struct {
		Code      json.Number    `json:"code"`
		Message   string         `json:"message"`
		RequestID string         `json:"request_id"`
		Data      map[string]any `json:"data"`
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if d.Decode(&env) != nil {
		return r
	}
	r.Code, _ = env.Code.Int64()
	r.Message, r.RequestID, r.Data = env.Message, env.RequestID, env.Data
	if n, ok := env.Data["total_count"].(json.Number); ok {
		r.Total, _ = n.Int64()
	}
	if ds, ok := env.Data["details"].([]any); ok {
		for _, x := range ds {
			if rec, ok := x.(map[string]any); ok { // an approval page lists bare ids
				r.Details = append(r.Details, rec)
			}
		}
	}
	return r
}

// list asks for one page of the test account.
func list(t *testing.T, url, token string, body map[string]any) reply {
	t.Helper()
	if _, ok := body["advertiser_id"]; !ok {
		body["advertiser_id"] = testAdv
	}
	return call(t, http.DefaultClient, url, ListPath, token, body)
}

// ids returns the ids of a page's records as strings.
func ids(t *testing.T, rows []map[string]any) []string {
	t.Helper()
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		n, ok := r["id"].(json.Number)
		require.True(t, ok, "id %#v is not a bare JSON number", r["id"])
		out = append(out, n.String())
	}
	return out
}

// at formats a vendor timestamp.
func at(t time.Time) string { return t.In(VendorZone).Format(TimeLayout) }
