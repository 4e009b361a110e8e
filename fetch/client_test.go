package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/h2non/gock"
	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
)

const testBase = "http://kuaishou.test"

func testConfig() *Config {
	return &Config{BaseURL: testBase, AppID: 7, Secret: "APP-SECRET-zzzz", PageSize: 50,
		Timeout: 2 * time.Second, Retries: 2, RetryBackoff: time.Millisecond, RetryMax: 4 * time.Millisecond,
		RefreshAhead: 10 * time.Minute, Accounts: []Account{{AdvertiserID: 42, Name: "shop",
			AccessToken: "AT-config-1111", RefreshToken: "RT-config-1111"}}}
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newTestClient returns a client whose HTTP client gock intercepts, and its
// captured JSON logs.
func newTestClient(t *testing.T, cfg *Config) (*Client, *syncBuffer) {
	t.Helper()
	hc := &http.Client{Timeout: cfg.Timeout, Transport: &http.Transport{}}
	gock.InterceptClient(hc)
	t.Cleanup(func() { gock.RestoreClient(hc) })
	logs := &syncBuffer{}
	return NewClient(cfg, hc, slog.New(slog.NewJSONHandler(logs, nil))), logs
}

// countRequests counts every request gock sees, matched or not.
func countRequests(t *testing.T) *atomic.Int32 {
	var n atomic.Int32
	gock.Observe(func(*http.Request, gock.Mock) { n.Add(1) })
	t.Cleanup(func() { gock.Observe(nil) })
	return &n
}

// fakeSource hands out tokens[0]; each Refresh moves to the next token.
type fakeSource struct {
	mu        sync.Mutex
	tokens    []string
	refreshes []string // the stale tokens Refresh was given
}

func (f *fakeSource) Token(context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokens[0], nil
}

func (f *fakeSource) Refresh(_ context.Context, stale string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refreshes = append(f.refreshes, stale)
	if len(f.tokens) < 2 {
		return "", errors.New("no next token")
	}
	f.tokens = f.tokens[1:]
	return f.tokens[0], nil
}

func okBody(requestID string, details ...string) string {
	return fmt.Sprintf(`{"code":0,"message":"OK","data":{"total_count":%d,"details":[%s]},"request_id":%q}`,
		len(details), strings.Join(details, ","), requestID)
}

func errBody(code int, message, requestID string) string {
	return fmt.Sprintf(`{"code":%d,"message":%q,"data":null,"request_id":%q}`, code, message, requestID)
}

func TestListCluesRequestBody(t *testing.T) {
	start := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		req  ListRequest
		want string
	}{
		{"window in vendor zone", ListRequest{AdvertiserID: 42, Start: start, End: start.Add(90 * time.Minute), Page: 2, PageSize: 100},
			`{"advertiser_id":42,"start_time":"2024-05-01 08:00:00","end_time":"2024-05-01 09:30:00","page":2,"page_size":100}`},
		{"defaults from config", ListRequest{AdvertiserID: 42},
			`{"advertiser_id":42,"page":1,"page_size":50}`},
		{"page size capped", ListRequest{AdvertiserID: 42, Page: 3, PageSize: 5000},
			`{"advertiser_id":42,"page":3,"page_size":500}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer gock.Off()
			c, _ := newTestClient(t, testConfig())
			var body []byte
			var hdr http.Header
			gock.Observe(func(r *http.Request, _ gock.Mock) { body, _ = io.ReadAll(r.Body); hdr = r.Header })
			defer gock.Observe(nil)
			gock.New(testBase).Post(listPath).MatchHeader("access-token", "^AT-1$").
				MatchType("json").Reply(200).BodyString(okBody("rid-1"))

			page, err := c.ListClues(context.Background(), &fakeSource{tokens: []string{"AT-1"}}, tc.req)
			require.NoError(t, err)
			require.Equal(t, "rid-1", page.RequestID)
			require.JSONEq(t, tc.want, string(body))
			require.Equal(t, "application/json", hdr.Get("Content-Type"))
			require.True(t, gock.IsDone())
		})
	}
}

func TestListCluesDecodesFixtures(t *testing.T) {
	for _, tc := range []struct {
		name, file    string
		wantIDs       []string
		wantSkipped   int
		wantRequestID string
		check         func(t *testing.T, cs []clue.Clue)
	}{
		{"vendor sample", "clue-list-sample.json", []string{"197451604008536386"}, 0,
			"8bf05339877440c29fed55fca7fae9d4", func(t *testing.T, cs []clue.Clue) {
				c := cs[0]
				require.Equal(t, clue.ID("153644601223348224"), c.PageID)
				require.Equal(t, clue.ID("145284513928645901"), c.Form.ID)
				require.Equal(t, clue.Str(`["宝马2系","河南","郑州","二七区","哈登店"]`), c.Details[2].Value)
				require.Equal(t, clue.Str("新线索"), c.Schedule.Desc)
				require.Empty(t, c.ChildIntentionTag)
				require.Empty(t, c.ICC.CallStartTime)
				require.Equal(t, time.Date(2021, 3, 7, 16, 10, 49, 0, clue.VendorZone).Unix(), c.Created().Unix())
			}},
		{"variant: 22-digit id, object tag, nulls, bogus records", "clue-list-variant.json",
			[]string{"1974516040085363860123", "197451604008536387"}, 2, "variant-req-0001",
			func(t *testing.T, cs []clue.Clue) {
				require.Equal(t, []clue.ChildIntention{{ID: 1, Desc: "高意向度-高意愿"}}, cs[0].ChildIntentionTag)
				require.Empty(t, cs[0].UserName)
				require.Equal(t, clue.Int(201), cs[0].PhoneStat)
				require.Equal(t, clue.ICCInfo{}, cs[0].ICC)
				require.Equal(t, int64(101), cs[1].ICC.Stat())
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer gock.Off()
			c, logs := newTestClient(t, testConfig())
			gock.New(testBase).Post(listPath).Reply(200).File("testdata/" + tc.file)

			page, err := c.ListClues(context.Background(), &fakeSource{tokens: []string{"AT-1"}}, ListRequest{AdvertiserID: 42})
			require.NoError(t, err)
			require.Equal(t, tc.wantRequestID, page.RequestID)
			require.Equal(t, tc.wantSkipped, page.Skipped)
			require.Equal(t, 4, page.TotalCount)
			var ids []string
			for _, cl := range page.Clues {
				ids = append(ids, cl.ID.String())
				require.Equal(t, int64(42), cl.AdvertiserID)
				require.NotEmpty(t, cl.Raw)
			}
			require.Equal(t, tc.wantIDs, ids)
			tc.check(t, page.Clues)
			require.Equal(t, tc.wantSkipped, bytes.Count([]byte(logs.String()), []byte(`"request_id":"`+tc.wantRequestID)))
			require.NotContains(t, logs.String(), "1390000000") // the id-less record's phone
			require.True(t, gock.IsDone())
		})
	}
}

func TestListCluesAuthRefreshOnce(t *testing.T) {
	for _, tc := range []struct {
		name       string
		secondBody string
		wantErr    string // empty: success
	}{
		{"refresh then success", okBody("rid-2"), ""},
		{"second auth error returned", errBody(40105, "access_token已过期", "rid-2"), "request_id rid-2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer gock.Off()
			c, logs := newTestClient(t, testConfig())
			n := countRequests(t)
			gock.New(testBase).Post(listPath).MatchHeader("access-token", "^AT-1$").
				Reply(200).BodyString(errBody(40105, "Access token expired", "rid-1"))
			gock.New(testBase).Post(listPath).MatchHeader("access-token", "^AT-2$").
				Reply(200).BodyString(tc.secondBody)
			ts := &fakeSource{tokens: []string{"AT-1", "AT-2", "AT-3"}}

			page, err := c.ListClues(context.Background(), ts, ListRequest{AdvertiserID: 42})
			require.Equal(t, []string{"AT-1"}, ts.refreshes)
			require.Equal(t, int32(2), n.Load())
			require.True(t, gock.IsDone())
			require.Contains(t, logs.String(), `"request_id":"rid-1"`)
			require.Contains(t, logs.String(), `"class":"auth"`)
			if tc.wantErr == "" {
				require.NoError(t, err)
				require.Equal(t, "rid-2", page.RequestID)
				return
			}
			require.ErrorContains(t, err, tc.wantErr)
			require.ErrorContains(t, err, "advertiser 42")
			require.True(t, IsAuth(err))
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			require.Equal(t, 40105, ae.Code)
		})
	}
}

func TestListCluesRefreshFailure(t *testing.T) {
	defer gock.Off()
	c, _ := newTestClient(t, testConfig())
	gock.New(testBase).Post(listPath).Reply(200).BodyString(errBody(40105, "token invalid", "rid-1"))
	ts := &fakeSource{tokens: []string{"AT-1"}} // Refresh fails: no next token

	_, err := c.ListClues(context.Background(), ts, ListRequest{AdvertiserID: 42})
	require.ErrorContains(t, err, "no next token")
	require.ErrorContains(t, err, "rid-1")
	require.Equal(t, []string{"AT-1"}, ts.refreshes)
	require.True(t, gock.IsDone())
}

func TestListCluesRejectsBadRequest(t *testing.T) {
	c, _ := newTestClient(t, testConfig())
	_, err := c.ListClues(context.Background(), &fakeSource{tokens: []string{"AT-1"}}, ListRequest{})
	require.ErrorContains(t, err, "advertiser id must be positive")
}
