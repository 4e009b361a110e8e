package robots_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/sim/robots"
)

// The spec's DingTalk test vector (CatchZeng/dingtalk's security_test.go).
const (
	dtSecret = "SECb90923e19e58b466481e9e7b7a5b4f108a4531abde590ad3967fb29f0eae5c68"
	dtTS     = "1582163555000"
	dtSign   = "BQKsG+QOCl+bYJOLc6pxDHxjVquzlZPWgvRzeN2J5zY="
)

func signed(base, ts, sign string) string {
	q := url.Values{"timestamp": {ts}, "sign": {sign}}
	return base + "&" + q.Encode()
}

func TestDingTalkSignature(t *testing.T) {
	c := &clock{t: time.UnixMilli(1582163555000)}
	s, base := start(t, c, robots.Options{})
	u := base + s.AddDingTalk("T", dtSecret, "")
	msg := markdown("新线索", "**hi**")

	tests := []struct {
		name string
		url  string
		skew time.Duration
		code int
		errm string
	}{
		{name: "spec vector", url: signed(u, dtTS, dtSign)},
		{name: "59 minutes late still valid", url: signed(u, dtTS, dtSign), skew: 59 * time.Minute},
		{name: "stale timestamp", url: signed(u, dtTS, dtSign), skew: 61 * time.Minute, code: 310000, errm: "invalid timestamp"},
		{name: "wrong sign", url: signed(u, dtTS, "AAAA"+dtSign[4:]), code: 310000, errm: "sign not match"},
		{name: "double encoded sign", url: u + "&timestamp=" + dtTS + "&sign=" + url.QueryEscape(url.QueryEscape(dtSign)), code: 310000, errm: "sign not match"},
		{name: "plus left unencoded", url: u + "&timestamp=" + dtTS + "&sign=" + dtSign, code: 310000, errm: "sign not match"},
		{name: "no signature", url: u, code: 310000, errm: "invalid timestamp"},
		{name: "unknown token", url: base + "/dingtalk/robot/send?access_token=nope", code: 300001, errm: "token is not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c.t = time.UnixMilli(1582163555000).Add(tc.skew)
			r := post(t, tc.url, msg, nil)
			require.Equal(t, 200, r.Status, "business errors are HTTP 200")
			require.Equal(t, tc.code, r.code(), r.Raw)
			if tc.errm != "" {
				require.Equal(t, tc.errm, r.msg())
			}
		})
	}
	require.Len(t, s.Messages("T"), 2)
	require.Len(t, s.Refusals(), 6)
}

func TestDingTalkChecks(t *testing.T) {
	s, base := start(t, nil, robots.Options{})
	u := base + s.AddDingTalk("K", "", "线索")
	tests := []struct {
		name string
		body any
		code int
		errm string
	}{
		{name: "keyword in title", body: markdown("新线索", "x")},
		{name: "keyword in text", body: markdown("hi", "一条线索")},
		{name: "keyword in text message", body: map[string]any{"msgtype": "text", "text": map[string]any{"content": "线索 @138"}}},
		{name: "keyword missing", body: markdown("hi", "there"), code: 310000, errm: "keywords not in content"},
		{name: "too large", body: markdown("线索", strings.Repeat("长", 7000)), code: 460101},
		{name: "not json", body: []byte("{"), code: 40035},
		{name: "markdown without title", body: markdown("", "线索"), code: 40035},
		{name: "unknown msgtype", body: map[string]any{"msgtype": "file"}, code: 40035},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, u, tc.body, nil)
			require.Equal(t, tc.code, r.code(), r.Raw)
			if tc.errm != "" {
				require.Equal(t, tc.errm, r.msg())
			}
		})
	}
}

func TestDingTalkRateLimitAndPenalty(t *testing.T) {
	c := &clock{t: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}
	s, base := start(t, c, robots.Options{})
	u := base + s.AddDingTalk("R", "", "")
	send := func() int { return post(t, u, markdown("t", "x"), nil).code() }

	for i := range 20 {
		require.Equal(t, 0, send(), "message %d", i+1)
		c.Add(time.Second)
	}
	require.Equal(t, 130101, send(), "the 21st within a minute")
	c.Add(time.Minute)
	require.Equal(t, 130101, send(), "the window has passed but the 10-minute penalty has not")
	c.Add(8*time.Minute + 58*time.Second)
	require.Equal(t, 130101, send(), "just under 10 minutes after the 21st")
	c.Add(2 * time.Second)
	require.Equal(t, 0, send(), "10 minutes after the 21st")
	require.Len(t, s.Messages("R"), 21)
}

func TestDingTalkSlidingWindow(t *testing.T) {
	c := &clock{t: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}
	s, base := start(t, c, robots.Options{})
	u := base + s.AddDingTalk("W", "", "")
	for range 10 {
		require.Equal(t, 0, post(t, u, markdown("t", "x"), nil).code())
	}
	c.Add(40 * time.Second)
	for range 10 {
		require.Equal(t, 0, post(t, u, markdown("t", "x"), nil).code())
	}
	c.Add(21 * time.Second) // the first 10 left the window, the last 10 did not
	for range 10 {
		require.Equal(t, 0, post(t, u, markdown("t", "x"), nil).code())
	}
	require.Equal(t, 130101, post(t, u, markdown("t", "x"), nil).code())
}
