package dingtalk_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/dingtalk"
	"github.com/cluebot/cluebot/notify/notifytest"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/sim/robots"
)

// failure sends the sample lead with n and returns its *notify.Error,
// checking that the error text shows none of the receiver's secrets.
func failure(t *testing.T, n *dingtalk.Notifier, cfg *notify.ReceiverConfig) *notify.Error {
	t.Helper()
	retry, err := n.Notify(context.Background(), sample(nil))
	require.Error(t, err)
	var e *notify.Error
	require.True(t, errors.As(err, &e), "%T", err)
	require.Equal(t, e.Class == notify.Retry, retry)
	require.Equal(t, "henan-sales", e.Receiver)
	require.Equal(t, dingtalk.Type, e.Platform)
	for _, s := range []string{cfg.URL.Reveal(), "tok3n", cfg.Secret.Reveal()} {
		if s != "" {
			require.NotContains(t, err.Error(), s)
		}
	}
	return e
}

func TestErrorsFromTheSimulator(t *testing.T) {
	tests := []struct {
		name      string
		robot     [2]string // secret, keyword the robot has
		cfg       notify.ReceiverConfig
		before    func(*robots.Server, *dingtalk.Notifier)
		class     notify.Class
		wide      bool // a refusal of the receiver, not of the message
		code      int
		message   string
		retryFor  time.Duration
		httpCode  int
		timeoutMs int
	}{
		{name: "wrong secret", robot: [2]string{"SECright", ""}, cfg: notify.ReceiverConfig{Secret: "SECwrong"},
			class: notify.Permanent, wide: true, code: 310000, message: "sign not match — signature mismatch: set the receiver's secret"},
		{name: "no secret", robot: [2]string{"SECright", ""}, class: notify.Permanent, wide: true, code: 310000, message: "invalid timestamp"},
		{name: "clock off", robot: [2]string{"SECright", ""}, cfg: notify.ReceiverConfig{Secret: "SECright"},
			before: func(_ *robots.Server, n *dingtalk.Notifier) {
				n.SetClock(func() time.Time { return notifytest.Fixed.Add(-2 * time.Hour) })
			},
			class: notify.Permanent, wide: true, code: 310000, message: "invalid timestamp — timestamp refused: this server's clock"},
		{name: "keyword", robot: [2]string{"", "告警"}, class: notify.Permanent, wide: true, code: 310000, message: "keywords not in content — keyword check failed"},
		{name: "rate limit", before: func(s *robots.Server, n *dingtalk.Notifier) {
			for range 20 {
				_, err := n.Notify(context.Background(), sample(nil))
				require.NoError(t, err)
			}
		}, class: notify.Retry, code: 130101, message: "send too fast", retryFor: 10 * time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, n := setup(t, tc.robot[0], tc.robot[1], tc.cfg)
			if tc.before != nil {
				tc.before(s, n)
			}
			cfg := tc.cfg
			e := failure(t, n, &cfg)
			require.Equal(t, tc.class, e.Class)
			require.Equal(t, tc.wide, e.ReceiverWide, "receiver-wide")
			require.Equal(t, tc.code, e.Code)
			require.Contains(t, e.Message, tc.message)
			require.Equal(t, tc.retryFor, e.RetryAfter)
		})
	}
}

func TestErrorsFromAnswers(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		class  notify.Class
		wide   bool // a refusal of the receiver, not of the message
		code   int
	}{
		{name: "too large", status: 200, body: `{"errcode":460101,"errmsg":"message too long, exceed 20000 bytes"}`, class: notify.TooLarge, code: 460101},
		{name: "unknown token", status: 200, body: `{"errcode":300001,"errmsg":"token is not exist"}`, class: notify.Permanent, wide: true, code: 300001},
		{name: "external group token", status: 200, body: `{"errcode":300005,"errmsg":"token is not exist"}`, class: notify.Permanent, wide: true, code: 300005},
		{name: "ip allow-list", status: 200, body: `{"errcode":310000,"errmsg":"ip 1.2.3.4 not in whitelist"}`, class: notify.Permanent, wide: true, code: 310000},
		{name: "other code", status: 200, body: `{"errcode":400,"errmsg":"?"}`, class: notify.Permanent, code: 400},
		{name: "5xx with html", status: 502, body: "<html>bad gateway</html>", class: notify.Retry},
		{name: "5xx with a code", status: 503, body: `{"errcode":310000,"errmsg":"sign not match"}`, class: notify.Retry},
		{name: "200 not json", status: 200, body: "<html>maintenance</html>", class: notify.Retry},
		{name: "200 json without errcode", status: 200, body: `{"ok":true}`, class: notify.Retry},
		{name: "404 page", status: 404, body: "not found", class: notify.Permanent},
		{name: "429", status: 429, body: "slow down", class: notify.Retry},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := notify.ReceiverConfig{Type: dingtalk.Type, URL: secret.String(stub(t, tc.status, tc.body)), Secret: "SECsecret"}
			n, err := dingtalk.New("henan-sales", &cfg, nil, nil, nil)
			require.NoError(t, err)
			e := failure(t, n, &cfg)
			require.Equal(t, tc.class, e.Class)
			require.Equal(t, tc.wide, e.ReceiverWide, "receiver-wide")
			require.Equal(t, tc.code, e.Code)
			require.Equal(t, tc.status, e.HTTPStatus)
		})
	}
}

func TestTransportErrors(t *testing.T) {
	t.Run("connection refused", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL + "/robot/send?access_token=tok3n"
		srv.Close()
		cfg := notify.ReceiverConfig{Type: dingtalk.Type, URL: secret.String(url), Secret: "SECsecret"}
		n, err := dingtalk.New("henan-sales", &cfg, nil, nil, nil)
		require.NoError(t, err)
		e := failure(t, n, &cfg)
		require.Equal(t, notify.Retry, e.Class)
		require.NotContains(t, e.Error(), "access_token")
	})
	t.Run("timeout", func(t *testing.T) {
		s := robots.New(robots.Options{FaultRate: 1, Faults: []robots.Fault{robots.FaultSlow}, SlowDelay: 2 * time.Second})
		srv := httptest.NewServer(s)
		defer srv.Close()
		cfg := notify.ReceiverConfig{Type: dingtalk.Type, URL: secret.String(srv.URL + s.AddDingTalk("tok3n", "", ""))}
		n, err := dingtalk.New("henan-sales", &cfg, nil, nil, &http.Client{Timeout: 50 * time.Millisecond})
		require.NoError(t, err)
		e := failure(t, n, &cfg)
		require.Equal(t, notify.Retry, e.Class)
		require.True(t, strings.Contains(e.Error(), "Timeout") || strings.Contains(e.Error(), "deadline"), e.Error())
	})
	t.Run("injected 5xx", func(t *testing.T) {
		s := robots.New(robots.Options{FaultRate: 1, Faults: []robots.Fault{robots.Fault5xx}})
		srv := httptest.NewServer(s)
		defer srv.Close()
		cfg := notify.ReceiverConfig{Type: dingtalk.Type, URL: secret.String(srv.URL + s.AddDingTalk("tok3n", "", ""))}
		n, err := dingtalk.New("henan-sales", &cfg, nil, nil, nil)
		require.NoError(t, err)
		e := failure(t, n, &cfg)
		require.Equal(t, notify.Retry, e.Class)
		require.Equal(t, 502, e.HTTPStatus)
	})
}

func TestNewRejectsBadURL(t *testing.T) {
	cfg := notify.ReceiverConfig{Type: dingtalk.Type, URL: "ftp://oapi.dingtalk.com/robot/send?access_token=tok3n"}
	_, err := dingtalk.New("x", &cfg, nil, nil, nil)
	require.ErrorContains(t, err, "not an http(s) URL")
	require.NotContains(t, err.Error(), "tok3n")
}
