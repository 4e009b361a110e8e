package robots_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/sim/robots"
)

func card(title, content string) map[string]any {
	return map[string]any{"msg_type": "interactive", "card": map[string]any{"schema": "2.0",
		"header": map[string]any{"title": map[string]any{"tag": "plain_text", "content": title}, "template": "blue"},
		"body":   map[string]any{"elements": []any{map[string]any{"tag": "markdown", "content": content}}}}}
}

func signedCard(ts any, sign string) map[string]any {
	c := card("新线索", "x")
	c["timestamp"], c["sign"] = ts, sign
	return c
}

func TestFeishuSignature(t *testing.T) {
	// The spec's vector: secret demo, timestamp 1599360473.
	c := &clock{t: time.Unix(1599360473, 0)}
	s, base := start(t, c, robots.Options{})
	u := base + s.AddFeishu("H", "demo", "")
	tests := []struct {
		name string
		body any
		skew time.Duration
		code int
	}{
		{name: "spec vector", body: signedCard("1599360473", "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=")},
		{name: "numeric timestamp", body: signedCard(1599360473, "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=")},
		{name: "DingTalk's algorithm", body: signedCard("1599360473", "DkEDUyVoOOJ539qBvUgMyzkzIdRWlf4e/V3Rq+ONJnQ="), code: 19021},
		{name: "stale", body: signedCard("1599360473", "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8="), skew: 2 * time.Hour, code: 19021},
		{name: "unsigned", body: card("新线索", "x"), code: 19021},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c.t = time.Unix(1599360473, 0).Add(tc.skew)
			r := post(t, u, tc.body, nil)
			require.Equal(t, 200, r.Status)
			require.Equal(t, tc.code, r.code(), r.Raw)
		})
	}
	require.Len(t, s.Messages("H"), 2)
}

func TestFeishuChecks(t *testing.T) {
	s, base := start(t, nil, robots.Options{})
	u := base + s.AddFeishu("K", "", "线索")
	tests := []struct {
		name   string
		url    string
		body   any
		status int
		code   int
		errm   string
	}{
		{name: "keyword in header", url: u, body: card("新线索", "x"), status: 200},
		{name: "keyword in markdown", url: u, body: card("hi", "一条线索"), status: 200},
		{name: "keyword only in a link", url: u, body: map[string]any{"msg_type": "post", "content": map[string]any{"post": map[string]any{
			"zh_cn": map[string]any{"title": "hi", "content": []any{[]any{map[string]any{"tag": "a", "text": "x", "href": "https://线索"}}}}}}},
			status: 200, code: 19024, errm: "Key Words Not Found"},
		{name: "keyword missing", url: u, body: card("hi", "there"), status: 200, code: 19024, errm: "Key Words Not Found"},
		{name: "over 20 KB", url: u, body: card("线索", strings.Repeat("a", 20<<10)), status: 400, code: 9499, errm: "Bad Request"},
		{name: "not json", url: u, body: []byte("{"), status: 400, code: 9499, errm: "Bad Request"},
		{name: "interactive without card", url: u, body: map[string]any{"msg_type": "interactive"}, status: 400, code: 9499},
		{name: "unknown hook", url: base + "/feishu/open-apis/bot/v2/hook/nope", body: card("线索", "x"), status: 200, code: 19001},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, tc.url, tc.body, nil)
			require.Equal(t, tc.status, r.Status)
			require.Equal(t, tc.code, r.code(), r.Raw)
			require.Contains(t, r.msg(), tc.errm)
		})
	}
}

func TestFeishuRateLimits(t *testing.T) {
	c := &clock{t: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}
	s, base := start(t, c, robots.Options{})
	u := base + s.AddFeishu("R", "", "")
	for i := range 5 {
		require.Equal(t, 0, post(t, u, card("t", "x"), nil).code(), "message %d", i+1)
	}
	r := post(t, u, card("t", "x"), nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.Equal(t, 11232, r.code())
	require.Equal(t, robots.FeishuRateLimited, r.msg())

	// 5 a second for 19 more seconds makes 100 in the minute.
	for range 19 {
		c.Add(time.Second)
		for range 5 {
			require.Equal(t, 0, post(t, u, card("t", "x"), nil).code())
		}
	}
	c.Add(time.Second)
	require.Equal(t, 11232, post(t, u, card("t", "x"), nil).code(), "the 101st within a minute")
	c.Add(time.Minute)
	require.Equal(t, 0, post(t, u, card("t", "x"), nil).code())
}
