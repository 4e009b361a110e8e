package notify_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/dingtalk"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/notify/webhook"
)

func TestReceiverValidateNamesTheKey(t *testing.T) {
	email := func(mod func(*notify.ReceiverConfig)) notify.ReceiverConfig {
		c := notify.ReceiverConfig{Type: notify.TypeEmail, Email: notify.EmailConfig{Host: "smtp.example.com", To: []string{"boss@example.com"}}}
		mod(&c)
		return c
	}
	tests := []struct {
		name string
		cfg  notify.ReceiverConfig
		want string // "" for valid
	}{
		{"email ok", email(func(*notify.ReceiverConfig) {}), ""},
		{"email port 0 takes the default", email(func(c *notify.ReceiverConfig) { c.Email.Port = 0 }), ""},
		{"email port too big", email(func(c *notify.ReceiverConfig) { c.Email.Port = 70000 }), "receivers.r.email.port: 70000 is not a port"},
		{"email port negative", email(func(c *notify.ReceiverConfig) { c.Email.Port = -25 }), "receivers.r.email.port: -25 is not a port"},
		{"email without host", email(func(c *notify.ReceiverConfig) { c.Email.Host = "" }), "receivers.r.email.host: must be set"},
		{"email bad tls", email(func(c *notify.ReceiverConfig) { c.Email.TLS = "ssl" }), `receivers.r.email.tls: "ssl" is not one of`},
		{"negative per_minute", notify.ReceiverConfig{Type: webhook.Type, URL: "https://h.example/x", PerMinute: -1}, "receivers.r.per_minute: must not be negative"},
		{"negative per_second", notify.ReceiverConfig{Type: webhook.Type, URL: "https://h.example/x", PerSecond: -1}, "receivers.r.per_second: must not be negative"},
		{"not a URL", notify.ReceiverConfig{Type: dingtalk.Type, URL: "oapi.dingtalk.com/robot"}, "receivers.r.url: not an http(s) URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate("r", receiver.Platforms())
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.want)
		})
	}
}
