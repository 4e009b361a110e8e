package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/h2non/gock"
	"github.com/stretchr/testify/require"
)

func TestClassify(t *testing.T) {
	refused := &url.Error{Op: "Post", URL: testBase, Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	for _, tc := range []struct {
		name string
		err  error
		want Class
	}{
		{"caller canceled", fmt.Errorf("list: %w", context.Canceled), ClassPermanent},
		{"caller deadline in transport", &url.Error{Op: "Post", URL: testBase, Err: context.DeadlineExceeded}, ClassPermanent},
		{"api error keeps its class", fmt.Errorf("x: %w", &APIError{Class: ClassAuth}), ClassAuth},
		{"connection refused", refused, ClassRetryable},
		{"truncated stream", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), ClassRetryable},
		{"other error", errors.New("boom"), ClassPermanent},
		{"nil", nil, ClassPermanent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, Classify(tc.err))
			require.Equal(t, tc.want == ClassRetryable, IsRetryable(tc.err))
			require.Equal(t, tc.want == ClassAuth, IsAuth(tc.err))
		})
	}
}

func TestClassifyHTTPClientTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	hc := &http.Client{Timeout: 20 * time.Millisecond}
	_, err := hc.Get(srv.URL)
	require.ErrorIs(t, err, context.DeadlineExceeded) // why leaf matters in isContextErr
	require.Equal(t, ClassRetryable, Classify(err))
}

func TestClassifyResponse(t *testing.T) {
	for _, tc := range []struct {
		name    string
		status  int
		code    int
		message string
		want    Class
	}{
		{"busy chinese", 200, 50001, "服务繁忙，请稍后再试", ClassRetryable},
		{"rate limit any case", 200, 40003, "Rate LIMIT exceeded", ClassRetryable},
		{"too frequent", 200, 40004, "请求过于频繁", ClassRetryable},
		{"expired token", 200, 40105, "access_token已过期", ClassAuth},
		{"unauthorised", 401, 40106, "未授权", ClassAuth},
		{"token word", 200, 40107, "Token invalid", ClassAuth},
		{"bad parameter", 200, 40001, "参数错误", ClassPermanent},
		{"5xx", 502, 0, "", ClassRetryable},
		{"429", 429, 0, "", ClassRetryable},
		{"4xx", 404, 0, "", ClassPermanent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, classifyResponse(tc.status, tc.code, tc.message))
		})
	}
}

func TestAPIErrorText(t *testing.T) {
	cause := errors.New("cause")
	err := &APIError{Op: "clue list", HTTPStatus: 200, Code: 40001, Message: "参数错误", RequestID: "rid-9",
		Class: ClassPermanent, Err: cause}
	require.Equal(t, `clue list: http 200: code 40001: "参数错误" (request_id rid-9): cause`, err.Error())
	require.ErrorIs(t, err, cause)
	require.Equal(t, "retry", ClassRetryable.String())
	require.Equal(t, "auth", ClassAuth.String())
	require.Equal(t, "permanent", ClassPermanent.String())
}

func TestListCluesRetriesRetryable(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for _, tc := range []struct {
		name string
		fail func(*gock.Request)
	}{
		{"500", func(r *gock.Request) { r.Reply(500).BodyString("oops") }},
		{"503 with envelope", func(r *gock.Request) { r.Reply(503).BodyString(errBody(1, "unavailable", "rid-f")) }},
		{"429", func(r *gock.Request) { r.Reply(429) }},
		{"truncated json", func(r *gock.Request) { r.Reply(200).BodyString(okBody("rid-f")[:40]) }},
		{"html body", func(r *gock.Request) { r.Reply(200).BodyString("<html>gateway</html>") }},
		{"json without code", func(r *gock.Request) { r.Reply(200).BodyString(`{"error":"x"}`) }},
		{"busy code", func(r *gock.Request) { r.Reply(200).BodyString(errBody(50001, "系统繁忙", "rid-f")) }},
		{"connection refused", func(r *gock.Request) { r.ReplyError(refused) }},
		{"timeout", func(r *gock.Request) { r.Reply(200).Delay(time.Second).BodyString(okBody("late")) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer gock.Off()
			cfg := testConfig()
			cfg.Timeout = 50 * time.Millisecond
			c, logs := newTestClient(t, cfg)
			n := countRequests(t)
			tc.fail(gock.New(testBase).Post(listPath))
			gock.New(testBase).Post(listPath).Reply(200).BodyString(okBody("rid-ok", `{"id":1}`))

			page, err := c.ListClues(context.Background(), &fakeSource{tokens: []string{"AT-1"}}, ListRequest{AdvertiserID: 42})
			require.NoError(t, err)
			require.Equal(t, "rid-ok", page.RequestID)
			require.Equal(t, int32(2), n.Load())
			require.Contains(t, logs.String(), `"class":"retry"`)
			require.True(t, gock.IsDone())
		})
	}
}

func TestListCluesFailsWithoutRetry(t *testing.T) {
	for _, tc := range []struct {
		name     string
		reply    func(*gock.Request)
		attempts int32
		want     string
	}{
		{"bad parameter code", func(r *gock.Request) { r.Reply(200).BodyString(errBody(40001, "参数错误", "rid-p")) }, 1, "request_id rid-p"},
		{"404 html", func(r *gock.Request) { r.Reply(404).BodyString("<html>") }, 1, "http 404"},
		{"retries exhausted", func(r *gock.Request) { r.Times(3).Reply(503).BodyString(errBody(1, "busy", "rid-b")) }, 3, "request_id rid-b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer gock.Off()
			c, logs := newTestClient(t, testConfig())
			n := countRequests(t)
			tc.reply(gock.New(testBase).Post(listPath))

			_, err := c.ListClues(context.Background(), &fakeSource{tokens: []string{"AT-1"}}, ListRequest{AdvertiserID: 42})
			require.ErrorContains(t, err, tc.want)
			require.Equal(t, tc.attempts, n.Load())
			require.Equal(t, int(tc.attempts), strings.Count(logs.String(), `"advertiser_id":42`))
			require.True(t, gock.IsDone())
		})
	}
}

// countingLimiter counts waits and fails once its budget is spent.
type countingLimiter struct{ waits, budget atomic.Int32 }

func (l *countingLimiter) Wait(context.Context) error {
	if l.waits.Add(1) > l.budget.Load() {
		return errors.New("budget spent")
	}
	return nil
}

func TestLimiterWaitedOnEachAttempt(t *testing.T) {
	defer gock.Off()
	c, _ := newTestClient(t, testConfig())
	lim := &countingLimiter{}
	lim.budget.Store(3)
	c.SetLimiter(lim)
	n := countRequests(t)
	gock.New(testBase).Post(listPath).Reply(500)
	gock.New(testBase).Post(listPath).Reply(200).BodyString(errBody(40105, "token expired", "rid-a"))
	gock.New(testBase).Post(listPath).Reply(200).BodyString(okBody("rid-ok"))
	ts := &fakeSource{tokens: []string{"AT-1", "AT-2"}}

	_, err := c.ListClues(context.Background(), ts, ListRequest{AdvertiserID: 42})
	require.NoError(t, err)
	require.Equal(t, int32(3), lim.waits.Load())

	_, err = c.ListClues(context.Background(), ts, ListRequest{AdvertiserID: 42})
	require.ErrorContains(t, err, "budget spent")
	require.Equal(t, int32(3), n.Load()) // no call without the limiter's go
	require.True(t, gock.IsDone())
}

func TestRetryStopsWhenContextEnds(t *testing.T) {
	defer gock.Off()
	cfg := testConfig()
	cfg.RetryBackoff, cfg.RetryMax = time.Hour, time.Hour
	c, _ := newTestClient(t, cfg)
	gock.New(testBase).Post(listPath).Reply(503)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()

	start := time.Now()
	_, err := c.ListClues(ctx, &fakeSource{tokens: []string{"AT-1"}}, ListRequest{AdvertiserID: 42})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorContains(t, err, "http 503")
	require.Equal(t, ClassPermanent, Classify(err))
	require.Less(t, time.Since(start), 5*time.Second)
}

func TestBackoffBounds(t *testing.T) {
	cfg := testConfig()
	cfg.RetryBackoff, cfg.RetryMax = 100*time.Millisecond, time.Second
	c := NewClient(cfg, nil, nil)
	lows := []time.Duration{50, 100, 200, 400, 500, 500}
	for i, low := range lows {
		c.jitter = func(int64) int64 { return 0 }
		require.Equal(t, low*time.Millisecond, c.backoff(i+1), "retry %d low", i+1)
		c.jitter = func(n int64) int64 { return n - 1 }
		require.Equal(t, 2*low*time.Millisecond, c.backoff(i+1), "retry %d high", i+1)
	}
}

func TestRefreshImpossibleOrRefused(t *testing.T) {
	for _, tc := range []struct {
		name    string
		setup   func(cfg *Config)
		mock    bool
		wantCls Class
	}{
		{"no refresh token", func(cfg *Config) { cfg.Accounts[0].RefreshToken = "" }, false, ClassPermanent},
		{"no app secret", func(cfg *Config) { cfg.Secret = "" }, false, ClassPermanent},
		{"refresh token refused", func(*Config) {}, true, ClassAuth},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer gock.Off()
			cfg := testConfig()
			tc.setup(cfg)
			if tc.mock {
				gock.New(testBase).Post(refreshPath).Reply(200).BodyString(errBody(40110, "refresh_token无效", "rid-r"))
			}
			tokens, _, logs := newTestTokens(t, cfg, newFakeStore(new([]string)))
			_, err := tokens.Source(cfg.Accounts[0]).Refresh(context.Background(), "AT-config-1111")
			require.ErrorIs(t, err, ErrReauthorize)
			require.ErrorContains(t, err, "advertiser 42")
			require.Equal(t, tc.wantCls, Classify(err))
			require.False(t, strings.Contains(err.Error()+logs.String(), "config-1111"))
			require.True(t, gock.IsDone())
		})
	}
}
