package notify_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/secret"
)

func TestPostHidesTheURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(200 * time.Millisecond)
	}))
	defer srv.Close()
	target := srv.URL + "/robot/send?access_token=0123456789abcdef"
	cfg := notify.ReceiverConfig{URL: secret.String(target), Secret: "SECsecret"}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := notify.Post(ctx, http.DefaultClient, target, "application/json", []byte("{}"), nil, notify.Scrubber(&cfg))
	require.Error(t, err)
	require.ErrorIs(t, err, context.DeadlineExceeded, "the cause is kept")
	require.NotContains(t, err.Error(), "0123456789abcdef")
	require.NotContains(t, err.Error(), "/robot/send")

	_, err = notify.Post(context.Background(), http.DefaultClient, "http://a b/?key=0123456789abcdef", "application/json", nil, nil, notify.Scrubber(&cfg))
	require.EqualError(t, err, "the receiver's url is not valid")
}

func TestScrubber(t *testing.T) {
	cfg := notify.ReceiverConfig{URL: "https://u:pa55word@open.feishu.cn/open-apis/bot/v2/hook/2f1e9c40-hook-4a0b-9d1e?key=k3y-value",
		Secret: "fs-secret"}
	sc := notify.Scrubber(&cfg)
	for _, s := range []string{"2f1e9c40-hook-4a0b-9d1e", "k3y-value", "fs-secret", "pa55word", cfg.URL.Reveal()} {
		require.Equal(t, "x <redacted> y", sc.Scrub("x "+s+" y"), s)
	}
	require.Equal(t, "open-apis bot hook", sc.Scrub("open-apis bot hook"), "ordinary words stay")
}

func TestJudge(t *testing.T) {
	classify := func(code int, msg string) notify.Verdict {
		return notify.Verdict{Class: notify.TooLarge, Hint: "hint", RetryAfter: time.Second}
	}
	base := notify.Error{Receiver: "r", Platform: "p"}
	tests := []struct {
		name   string
		ans    notify.Answer
		ok     bool
		class  notify.Class
		code   int
		errmsg string
	}{
		{name: "code 0", ans: notify.Answer{Status: 200, Body: []byte(`{"errcode":0}`)}, ok: true},
		{name: "code", ans: notify.Answer{Status: 200, Body: []byte(`{"errcode":7,"errmsg":"bad\nthing"}`)}, class: notify.TooLarge, code: 7, errmsg: "code 7: bad thing — hint"},
		{name: "second key", ans: notify.Answer{Status: 200, Body: []byte(`{"StatusCode":7}`)}, class: notify.TooLarge, code: 7},
		{name: "5xx wins over a code", ans: notify.Answer{Status: 502, Body: []byte(`{"errcode":7}`)}, class: notify.Retry},
		{name: "json without code", ans: notify.Answer{Status: 200, Body: []byte(`{"x":1}`)}, class: notify.Retry},
		{name: "4xx without code", ans: notify.Answer{Status: 403, Body: []byte(`denied`)}, class: notify.Permanent, errmsg: "http 403: denied"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := notify.Judge(&tc.ans, base, []string{"errcode", "StatusCode"}, "errmsg", classify, &secret.Scrubber{})
			if tc.ok {
				require.Nil(t, e)
				return
			}
			require.NotNil(t, e)
			require.Equal(t, tc.class, e.Class)
			require.Equal(t, tc.code, e.Code)
			require.Contains(t, e.Error(), tc.errmsg)
		})
	}
}

func TestRenderError(t *testing.T) {
	e := notify.RenderError("r", "dingtalk", errors.Join(errors.New("digest"), notify.ErrTooLarge))
	require.Equal(t, notify.TooLarge, e.Class)
	require.Equal(t, notify.Permanent, notify.RenderError("r", "dingtalk", errors.New("template")).Class)
}

// TestResultFollowsTheClass: the retry result a sender returns is derived
// from its error's class, the one signal callers branch on.
func TestResultFollowsTheClass(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		retry bool
	}{
		{"success", nil, false},
		{"retry", &notify.Error{Class: notify.Retry}, true},
		{"permanent", &notify.Error{Class: notify.Permanent}, false},
		{"too large", &notify.Error{Class: notify.TooLarge}, false},
		{"wrapped permanent", fmt.Errorf("file x: %w", &notify.Error{Class: notify.Permanent}), false},
		{"network failure", errors.New("connection reset"), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			retry, err := notify.Result(tc.err)
			require.Equal(t, tc.retry, retry)
			require.Equal(t, tc.retry, notify.Retryable(tc.err))
			require.Equal(t, tc.err, err)
		})
	}
}

func TestErrorTextWithoutReceiver(t *testing.T) {
	e := &notify.Error{Class: notify.Permanent, Err: errors.New("not a chat receiver")}
	require.EqualError(t, fmt.Errorf("receiver x: %w", e), "receiver x: not a chat receiver (permanent)")
	e = &notify.Error{Receiver: "r", Platform: "p", Class: notify.Retry, HTTPStatus: 502}
	require.EqualError(t, e, `p receiver "r": http 502 (retry)`)
}
