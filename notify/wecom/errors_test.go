package wecom_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/wecom"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/sim/robots"
)

// failure returns the *notify.Error of err, checking that its text shows
// neither the URL nor the key.
func failure(t *testing.T, retry bool, err error, cfg *notify.ReceiverConfig) *notify.Error {
	t.Helper()
	require.Error(t, err)
	var e *notify.Error
	require.True(t, errors.As(err, &e), "%T", err)
	require.Equal(t, e.Class == notify.Retry, retry)
	require.Equal(t, wecom.Type, e.Platform)
	if u := cfg.URL.Reveal(); u != "" {
		require.NotContains(t, err.Error(), u)
	}
	require.NotContains(t, err.Error(), "k3y-0123456789")
	return e
}

func TestErrorsFromTheSimulator(t *testing.T) {
	t.Run("rate limit", func(t *testing.T) {
		_, n := setup(t, notify.ReceiverConfig{}, robots.Options{})
		for range 20 {
			_, err := n.Notify(context.Background(), sample(nil))
			require.NoError(t, err)
		}
		retry, err := n.Notify(context.Background(), sample(nil))
		e := failure(t, retry, err, &notify.ReceiverConfig{})
		require.Equal(t, notify.Retry, e.Class)
		require.Equal(t, 45009, e.Code)
		require.Equal(t, time.Minute, e.RetryAfter)
	})
	t.Run("injected 5xx", func(t *testing.T) {
		_, n := setup(t, notify.ReceiverConfig{}, robots.Options{FaultRate: 1, Faults: []robots.Fault{robots.Fault5xx}})
		retry, err := n.Notify(context.Background(), sample(nil))
		e := failure(t, retry, err, &notify.ReceiverConfig{})
		require.Equal(t, notify.Retry, e.Class)
		require.Equal(t, 502, e.HTTPStatus)
	})
}

func TestErrorsFromAnswers(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		class  notify.Class
		wide   bool // a refusal of the receiver, not of the message
		code   int
		hint   string
	}{
		{name: "bad key", status: 200, body: `{"errcode":93000,"errmsg":"invalid webhook url, hint: [1], more info at https://open.work.weixin.qq.com/devtool/query?e=93000"}`,
			class: notify.Permanent, wide: true, code: 93000, hint: "the key in the receiver's url is wrong"},
		{name: "markdown too long", status: 200, body: `{"errcode":40058,"errmsg":"markdown.content exceed max length 4096. invalid Request Parameter"}`,
			class: notify.TooLarge, code: 40058},
		{name: "other 40058", status: 200, body: `{"errcode":40058,"errmsg":"Warning: wrong json format."}`, class: notify.Permanent, code: 40058},
		{name: "busy", status: 200, body: `{"errcode":-1,"errmsg":"system busy"}`, class: notify.Retry, code: -1},
		{name: "not json", status: 200, body: `<html></html>`, class: notify.Retry},
		{name: "5xx", status: 500, body: `{"errcode":0}`, class: notify.Retry},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := notify.ReceiverConfig{Type: wecom.Type, URL: secret.String(stub(t, tc.status, tc.body))}
			n, err := wecom.New("managers", &cfg, nil, nil, nil)
			require.NoError(t, err)
			retry, err := n.Notify(context.Background(), sample(nil))
			e := failure(t, retry, err, &cfg)
			require.Equal(t, tc.class, e.Class)
			require.Equal(t, tc.wide, e.ReceiverWide, "receiver-wide")
			require.Equal(t, tc.code, e.Code)
			require.Contains(t, e.Message, tc.hint)
		})
	}
}

func TestSendFile(t *testing.T) {
	s, n := setup(t, notify.ReceiverConfig{}, robots.Options{})
	data := []byte("PK\x03\x04 a report")
	retry, err := n.SendFile(context.Background(), "cluebot-2024-04-30.xlsx", data)
	require.NoError(t, err)
	require.False(t, retry)
	ups := s.Uploads("k3y-0123456789")
	require.Len(t, ups, 1)
	require.Equal(t, "cluebot-2024-04-30.xlsx", ups[0].Name)
	require.Equal(t, data, ups[0].Data)
	msgs := s.Messages("k3y-0123456789")
	require.Len(t, msgs, 1)
	require.Equal(t, "file", msgs[0].Body["msgtype"])
	require.Equal(t, ups[0].MediaID, msgs[0].Body["file"].(map[string]any)["media_id"])

	retry, err = n.SendFile(context.Background(), "tiny.txt", []byte("12345"))
	e := failure(t, retry, err, &notify.ReceiverConfig{})
	require.Equal(t, notify.Permanent, e.Class)
	require.Contains(t, e.Error(), "6 bytes to 20 MB")
	require.Len(t, s.Uploads("k3y-0123456789"), 1, "not uploaded")
}

func TestSendFileErrors(t *testing.T) {
	t.Run("bad key on upload", func(t *testing.T) {
		cfg := notify.ReceiverConfig{Type: wecom.Type, URL: secret.String(stub(t, 200, `{"errcode":93000,"errmsg":"invalid webhook url"}`))}
		n, err := wecom.New("managers", &cfg, nil, nil, nil)
		require.NoError(t, err)
		retry, err := n.SendFile(context.Background(), "r.xlsx", []byte("report data"))
		require.Equal(t, 93000, failure(t, retry, err, &cfg).Code)
	})
	t.Run("url that is not a send url", func(t *testing.T) {
		cfg := notify.ReceiverConfig{Type: wecom.Type, URL: "https://example.com/hook?key=k3y-0123456789"}
		n, err := wecom.New("managers", &cfg, nil, nil, &http.Client{})
		require.NoError(t, err)
		retry, err := n.SendFile(context.Background(), "r.xlsx", []byte("report data"))
		e := failure(t, retry, err, &cfg)
		require.Equal(t, notify.Permanent, e.Class)
		require.True(t, strings.Contains(e.Error(), "/webhook/send"))
	})
}
