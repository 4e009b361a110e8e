// Package notify delivers lead alerts to chat robots. Each platform is a
// subpackage (notify/dingtalk, notify/wecom, notify/feishu, notify/webhook)
// implementing Notifier and declaring itself in a Platform; notify/receiver
// lists them. What they share lives here: the message model, templates and
// escaping, size fitting, posting and judging answers, error classes.
package notify

import (
	"fmt"
	"strings"

	"github.com/cluebot/cluebot/secret"
)

// TypeEmail is the type of receivers that take the daily report by e-mail
// only. Every other type is a Platform's.
const TypeEmail = "email"

// ReceiverConfig is one entry of cluebot.yaml `receivers:`. The URL holds the
// robot's key or token, so it is a secret too.
type ReceiverConfig struct {
	Type      string        `koanf:"type"`
	URL       secret.String `koanf:"url"`
	Secret    secret.String `koanf:"secret"`
	MaskPhone *bool         `koanf:"mask_phone"`
	// PerMinute and PerSecond pace messages to the robot; zero takes the
	// platform's default.
	PerMinute int `koanf:"per_minute"`
	PerSecond int `koanf:"per_second"`
	// Keyword is added to every message for robots secured by keywords.
	Keyword string `koanf:"keyword"`
	// Email delivers reports over SMTP.
	Email EmailConfig `koanf:"email"`
}

// EmailConfig configures an `email` receiver (report delivery only).
type EmailConfig struct {
	Host     string        `koanf:"host"`
	Port     int           `koanf:"port"`
	Username string        `koanf:"username"`
	Password secret.String `koanf:"password"`
	From     string        `koanf:"from"`
	To       []string      `koanf:"to"`
	TLS      string        `koanf:"tls"` // starttls (default) | tls | none
}

// MasksPhone reports whether phones are masked in this receiver's messages
// (the default in chat).
func (c *ReceiverConfig) MasksPhone() bool { return c.MaskPhone == nil || *c.MaskPhone }

// Validate checks one receiver; name is its key in `receivers:`, and its
// type must be one of platforms or email.
func (c *ReceiverConfig) Validate(name string, platforms Platforms) error {
	key := "receivers." + name
	_, chat := platforms.Lookup(c.Type)
	switch {
	case chat:
		if err := CheckURL(c); err != nil {
			return fmt.Errorf("%s.%w", key, err)
		}
	case c.Type == TypeEmail:
		if c.Email.Host == "" {
			return fmt.Errorf("%s.email.host: must be set", key)
		}
		if len(c.Email.To) == 0 {
			return fmt.Errorf("%s.email.to: must list at least one address", key)
		}
		switch c.Email.TLS {
		case "", "starttls", "tls", "none":
		default:
			return fmt.Errorf("%s.email.tls: %q is not one of starttls, tls, none", key, c.Email.TLS)
		}
		if c.Email.Port < 0 || c.Email.Port > 65535 {
			return fmt.Errorf("%s.email.port: %d is not a port (1..65535, or 0 for the default)", key, c.Email.Port)
		}
	case c.Type == "":
		return fmt.Errorf("%s.type: must be set (%s)", key, oneOf(append(platforms.Types(), TypeEmail)))
	default:
		return fmt.Errorf("%s.type: %q is not one of %s", key, c.Type, strings.Join(append(platforms.Types(), TypeEmail), ", "))
	}
	if c.PerMinute < 0 {
		return fmt.Errorf("%s.per_minute: must not be negative", key)
	}
	if c.PerSecond < 0 {
		return fmt.Errorf("%s.per_second: must not be negative", key)
	}
	return nil
}
