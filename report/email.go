package report

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/cluebot/cluebot/notify"
)

// xlsxType is the attachment's MIME type.
const xlsxType = mail.ContentType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

// EmailSender sends reports over SMTP with go-mail, as an `email` receiver
// configures it: TLS "starttls" (the default, on port 587), "tls" (implicit,
// port 465) or "none" (port 25); authentication when a username is set.
type EmailSender struct {
	Config notify.EmailConfig
	// TLSConfig replaces the TLS settings (a private CA, say); nil verifies
	// the server's certificate for Config.Host against the system's roots.
	TLSConfig *tls.Config
	// Timeout bounds connecting and each command; 0 means 30 seconds.
	Timeout time.Duration
}

// Send mails subject and a plain-text body with the files attached to
// every Config.To address in one message.
func (e *EmailSender) Send(ctx context.Context, subject, body string, files []string) error {
	c := e.Config
	from := c.From
	if from == "" {
		from = c.Username
	}
	if from == "" {
		return errors.New("e-mail: no sender: set email.from")
	}
	m := mail.NewMsg()
	if err := m.From(from); err != nil {
		return fmt.Errorf("e-mail from %q: %w", from, err)
	}
	if err := m.To(c.To...); err != nil {
		return fmt.Errorf("e-mail to %v: %w", c.To, err)
	}
	m.Subject(subject)
	m.SetDate()
	m.SetBodyString(mail.TypeTextPlain, body)
	for _, f := range files {
		m.AttachFile(f, mail.WithFileContentType(xlsxType))
	}
	opts, port, err := e.options()
	if err != nil {
		return err
	}
	client, err := mail.NewClient(c.Host, opts...)
	if err != nil {
		return fmt.Errorf("e-mail client for %s: %w", c.Host, err)
	}
	if err := client.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("send e-mail via %s:%d: %w", c.Host, port, err)
	}
	return nil
}

// options turns the config into go-mail's client options and the port.
func (e *EmailSender) options() ([]mail.Option, int, error) {
	c := e.Config
	timeout := e.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	tc := e.TLSConfig
	if tc == nil {
		tc = &tls.Config{ServerName: c.Host, MinVersion: tls.VersionTLS12}
	}
	port, auth := c.Port, mail.SMTPAuthAutoDiscover
	opts := []mail.Option{mail.WithTimeout(timeout)}
	switch c.TLS {
	case "", "starttls":
		port = orPort(port, 587)
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory), mail.WithTLSConfig(tc))
	case "tls":
		port = orPort(port, 465)
		opts = append(opts, mail.WithSSL(), mail.WithTLSConfig(tc))
	case "none":
		// Plain authentication over a clear connection is only sent to
		// localhost (a local relay); go-mail refuses anything else.
		port, auth = orPort(port, 25), mail.SMTPAuthPlain
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		return nil, 0, fmt.Errorf("e-mail: tls %q is not one of starttls, tls, none", c.TLS)
	}
	opts = append(opts, mail.WithPort(port))
	if c.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(c.Username), mail.WithPassword(c.Password.Reveal()))
	}
	return opts, port, nil
}

func orPort(port, def int) int {
	if port > 0 {
		return port
	}
	return def
}
