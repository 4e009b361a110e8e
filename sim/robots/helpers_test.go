package robots_test

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

	"github.com/cluebot/cluebot/sim/robots"
)

// clock is a settable fake clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// start runs a simulator at clock c on an httptest server.
func start(t *testing.T, c *clock, opts robots.Options) (*robots.Server, string) {
	t.Helper()
	if c != nil {
		opts.Now = c.Now
	}
	s := robots.New(opts)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL
}

// reply is a decoded answer.
type reply struct {
	Status int
	Body   map[string]any
	Raw    string
}

// code returns the answer's errcode or code.
func (r reply) code() int {
	for _, k := range []string{"errcode", "code"} {
		if v, ok := r.Body[k].(float64); ok {
			return int(v)
		}
	}
	return -1
}

func (r reply) msg() string {
	for _, k := range []string{"errmsg", "msg"} {
		if v, ok := r.Body[k].(string); ok {
			return v
		}
	}
	return ""
}

// post sends body (a []byte, or anything else as JSON) to url.
func post(t *testing.T, url string, body any, header http.Header) reply {
	t.Helper()
	b, ok := body.([]byte)
	if !ok {
		var err error
		b, err = json.Marshal(body)
		require.NoError(t, err)
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	require.NoError(t, err)
	req.Header = header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	r := reply{Status: resp.StatusCode, Raw: string(raw)}
	_ = json.Unmarshal(raw, &r.Body)
	return r
}

func markdown(title, text string) map[string]any {
	return map[string]any{"msgtype": "markdown", "markdown": map[string]any{"title": title, "text": text}}
}
