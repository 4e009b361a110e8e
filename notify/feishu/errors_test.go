package feishu_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/feishu"
	"github.com/cluebot/cluebot/notify/notifytest"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/sim/robots"
)

// failure returns the *notify.Error of err, checking that its text shows
// neither the URL, the hook id nor the secret.
func failure(t *testing.T, retry bool, err error, cfg *notify.ReceiverConfig) *notify.Error {
	t.Helper()
	require.Error(t, err)
	var e *notify.Error
	require.True(t, errors.As(err, &e), "%T", err)
	require.Equal(t, e.Class == notify.Retry, retry)
	require.Equal(t, feishu.Type, e.Platform)
	for _, s := range []string{cfg.URL.Reveal(), hookID, cfg.Secret.Reveal()} {
		if s != "" {
			require.NotContains(t, err.Error(), s)
		}
	}
	return e
}

func TestErrorsFromTheSimulator(t *testing.T) {
	tests := []struct {
		name    string
		robot   [2]string
		cfg     notify.ReceiverConfig
		before  func(*feishu.Notifier)
		class   notify.Class
		wide    bool // a refusal of the receiver, not of the message
		code    int
		message string
	}{
		{name: "wrong secret", robot: [2]string{"right", ""}, cfg: notify.ReceiverConfig{Secret: "wrong-secret"},
			class: notify.Permanent, wide: true, code: 19021, message: "sign match fail"},
		{name: "clock off", robot: [2]string{"right", ""}, cfg: notify.ReceiverConfig{Secret: "right"},
			before: func(n *feishu.Notifier) {
				n.SetClock(func() time.Time { return notifytest.Fixed.Add(time.Hour + time.Minute) })
			},
			class: notify.Permanent, wide: true, code: 19021, message: "check this server's clock"},
		{name: "keyword", robot: [2]string{"", "告警"}, class: notify.Permanent, wide: true, code: 19024, message: "Key Words Not Found — keyword check failed"},
		{name: "too many", before: func(n *feishu.Notifier) {
			for range 5 {
				_, err := n.Notify(context.Background(), sample(nil))
				require.NoError(t, err)
			}
		}, class: notify.Retry, code: 11232, message: "limits bots at peak times"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, n := setup(t, tc.robot[0], tc.robot[1], tc.cfg, robots.Options{})
			if tc.before != nil {
				tc.before(n)
			}
			retry, err := n.Notify(context.Background(), sample(nil))
			cfg := tc.cfg
			e := failure(t, retry, err, &cfg)
			require.Equal(t, tc.class, e.Class)
			require.Equal(t, tc.wide, e.ReceiverWide, "receiver-wide")
			require.Equal(t, tc.code, e.Code)
			require.Contains(t, e.Message, tc.message)
		})
	}
}

func TestErrorsFromAnswers(t *testing.T) {
	big := &notify.Message{Alerts: []notify.Alert{{Lead: robots.HugeLead(60, 300), Route: "r"}}}
	tests := []struct {
		name   string
		msg    *notify.Message
		status int
		body   string
		class  notify.Class
		wide   bool // a refusal of the receiver, not of the message
		code   int
	}{
		{name: "bad request for a large body", msg: big, status: 400, body: `{"code":9499,"msg":"Bad Request","data":{}}`, class: notify.TooLarge, code: 9499},
		{name: "bad request for a small body", status: 400, body: `{"code":9499,"msg":"Bad Request","data":{}}`, class: notify.Permanent, code: 9499},
		{name: "too many requests", status: 400, body: `{"code":9499,"msg":"too many request","data":{}}`, class: notify.Retry, code: 9499},
		{name: "peak-time limit", status: 200, body: `{"code":11232,"msg":"frequency limited"}`, class: notify.Retry, code: 11232},
		{name: "ip", status: 200, body: `{"code":19022,"msg":"Ip Not Allowed"}`, class: notify.Permanent, wide: true, code: 19022},
		{name: "legacy StatusCode only", status: 200, body: `{"StatusCode":19024,"StatusMessage":"Key Words Not Found"}`, class: notify.Permanent, wide: true, code: 19024},
		{name: "5xx", status: 503, body: `upstream connect error`, class: notify.Retry},
		{name: "not json", status: 200, body: `<html></html>`, class: notify.Retry},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := notify.ReceiverConfig{Type: feishu.Type, URL: secret.String(stub(t, tc.status, tc.body)), Secret: "fs-secret"}
			n, err := feishu.New("calls-team", &cfg, nil, nil, nil)
			require.NoError(t, err)
			msg := tc.msg
			if msg == nil {
				msg = sample(nil)
			}
			retry, err := n.Notify(context.Background(), msg)
			e := failure(t, retry, err, &cfg)
			require.Equal(t, tc.class, e.Class)
			require.Equal(t, tc.wide, e.ReceiverWide, "receiver-wide")
			require.Equal(t, tc.code, e.Code)
			require.Equal(t, tc.status, e.HTTPStatus)
			require.False(t, strings.Contains(e.Error(), "fs-secret"))
		})
	}
}
