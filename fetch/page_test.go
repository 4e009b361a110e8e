package fetch

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// pageClient serves the clue-list call with the bodies in turn (the last
// one for every call after) and returns a client with two retries, the
// count of calls and the client's logs.
func pageClient(t *testing.T, bodies ...string) (*Client, *atomic.Int32, *syncBuffer) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		i := int(n.Add(1)) - 1
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		_, _ = w.Write([]byte(bodies[min(i, len(bodies)-1)]))
	}))
	t.Cleanup(srv.Close)
	cfg := testConfig()
	cfg.BaseURL = srv.URL
	logs := &syncBuffer{}
	return NewClient(cfg, srv.Client(), slog.New(slog.NewJSONHandler(logs, nil))), &n, logs
}

// TestListCluesRetriesAnAnswerWithoutAPage: code 0 with no page is not an
// empty window (issue 12 A). It is retried with backoff like a busy answer,
// and when it persists the call fails with ErrNoPage, the request_id and
// no token.
func TestListCluesRetriesAnAnswerWithoutAPage(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"data null", `{"code":0,"message":"OK","data":null,"request_id":"rid-nodata"}`, "data is null"},
		{"no data", `{"code":0,"message":"OK","request_id":"rid-nodata"}`, "data is null"},
		{"details null, a real total_count", `{"code":0,"message":"OK","data":{"total_count":7,"details":null},"request_id":"rid-nodata"}`,
			"details is null (total_count 7)"},
		{"no details", `{"code":0,"message":"OK","data":{"total_count":7},"request_id":"rid-nodata"}`, "details is null (total_count 7)"},
		{"details null, no count", `{"code":0,"message":"OK","data":{"total_count":0,"details":null},"request_id":"rid-nodata"}`,
			"details is null (total_count 0)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, n, logs := pageClient(t, tc.body)
			page, err := c.ListClues(context.Background(), &fakeSource{tokens: []string{"AT-nopage-1234"}}, ListRequest{AdvertiserID: 42, Page: 3})
			require.Nil(t, page)
			require.ErrorIs(t, err, ErrNoPage)
			require.Equal(t, ClassRetryable, Classify(err))
			require.EqualError(t, err, "list clues (advertiser 42, page 3): clue list: http 200 (request_id rid-nodata): "+
				"answer has no page: "+tc.want)
			require.Equal(t, int32(3), n.Load(), "tried once and retried twice")
			require.Contains(t, logs.String(), `"msg":"kuaishou call failed; retrying"`)
			require.Contains(t, logs.String(), `"request_id":"rid-nodata"`)
			require.NotContains(t, logs.String(), "AT-nopage-1234")
		})
	}
}

func TestListCluesNoPageThenAPage(t *testing.T) {
	c, n, _ := pageClient(t, `{"code":0,"data":null,"request_id":"r1"}`,
		`{"code":0,"data":{"total_count":1,"details":null},"request_id":"r2"}`, okBody("r3", `{"id":7}`))
	page, err := c.ListClues(context.Background(), &fakeSource{tokens: []string{"AT-1"}}, ListRequest{AdvertiserID: 42})
	require.NoError(t, err)
	require.Equal(t, int32(3), n.Load())
	require.Equal(t, "r3", page.RequestID)
	require.Len(t, page.Clues, 1)
}

// TestListCluesEmptyWindow: the vendor's empty window, total_count 0 and an
// empty list, is a page of nothing, read once.
func TestListCluesEmptyWindow(t *testing.T) {
	c, n, _ := pageClient(t, `{"code":0,"message":"OK","data":{"total_count":0,"details":[]},"request_id":"r0"}`)
	page, err := c.ListClues(context.Background(), &fakeSource{tokens: []string{"AT-1"}}, ListRequest{AdvertiserID: 42})
	require.NoError(t, err)
	require.Equal(t, int32(1), n.Load())
	require.Zero(t, page.TotalCount)
	require.Empty(t, page.Clues)
}
