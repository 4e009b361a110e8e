package robots_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/sim/robots"
)

func TestWebhookSink(t *testing.T) {
	c := &clock{t: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}
	s, base := start(t, c, robots.Options{})
	open := base + s.AddWebhook("open", "")
	locked := base + s.AddWebhook("locked", "whsec")
	body := []byte(`{"kind":"lead"}`)
	sign := func(secret string, ts time.Time) http.Header {
		t := strconv.FormatInt(ts.Unix(), 10)
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(t + "."))
		mac.Write(body)
		return http.Header{robots.HeaderTimestamp: {t}, robots.HeaderSignature: {"sha256=" + hex.EncodeToString(mac.Sum(nil))}}
	}
	tests := []struct {
		name   string
		url    string
		body   []byte
		header http.Header
		status int
	}{
		{name: "open sink", url: open, body: body, status: 200},
		{name: "signed", url: locked, body: body, header: sign("whsec", c.t), status: 200},
		{name: "wrong secret", url: locked, body: body, header: sign("other", c.t), status: 401},
		{name: "stale", url: locked, body: body, header: sign("whsec", c.t.Add(-10*time.Minute)), status: 401},
		{name: "unsigned", url: locked, body: body, status: 401},
		{name: "not json", url: open, body: []byte("x"), status: 400},
		{name: "unknown", url: base + "/webhook/nope", body: body, status: 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.status, post(t, tc.url, tc.body, tc.header).Status)
		})
	}
	require.Len(t, s.Messages("open"), 1)
	require.Len(t, s.Messages("locked"), 1)
	require.Equal(t, "lead", s.Messages("open")[0].Body["kind"])
	require.Len(t, s.Refusals(), 5)
}

func TestOnlyPost(t *testing.T) {
	_, base := start(t, nil, robots.Options{})
	resp, err := http.Get(base + "/dingtalk/robot/send?access_token=x")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	require.Equal(t, http.StatusNotFound, post(t, base+"/elsewhere", []byte("{}"), nil).Status)
}
