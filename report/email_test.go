package report

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/secret"
)

// mailParts splits a received message into its text body and attachments.
func mailParts(t *testing.T, data []byte) (subject, body string, files map[string][]byte) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	require.NoError(t, err)
	subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	require.NoError(t, err)
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/mixed", mt)
	files = map[string][]byte{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		raw, err := io.ReadAll(p)
		require.NoError(t, err)
		content := raw
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
			content, err = base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(raw)))
			require.NoError(t, err)
		} else if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			content, err = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
			require.NoError(t, err)
		}
		if name := p.FileName(); name != "" {
			files[name] = content
			require.Contains(t, p.Header.Get("Content-Type"), "spreadsheetml.sheet")
			continue
		}
		body += string(content)
	}
	return subject, body, files
}

func TestEmailSender(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cluebot-2024-05-01.xlsx")
	var buf bytes.Buffer
	sum, err := Write(context.Background(), newMemSource(dayClues(t)...), reportDay, reportOpts(), &buf)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, buf.Bytes(), 0o600))
	for _, tc := range []struct {
		name, mode, user string
		secure           bool
	}{
		{"starttls with auth", "starttls", "bot@example.com", true},
		{"implicit tls", "tls", "", true},
		{"a local relay without tls, auth still to localhost", "none", "relay", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, pool := startSMTP(t, tc.mode, tc.user, "s3cret")
			e := &EmailSender{Config: notify.EmailConfig{Host: "127.0.0.1", Port: srv.addr.Port, Username: tc.user,
				Password: secret.String("s3cret"), From: "cluebot@example.com", To: []string{"boss@example.com", "ops@example.com"}, TLS: tc.mode},
				TLSConfig: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}}
			err := Deliver(context.Background(), []string{file}, sum, []Target{{Name: "boss-mail", Type: notify.TypeEmail, Email: e}}, nil)
			require.NoError(t, err)
			msgs := srv.messages()
			require.Len(t, msgs, 1)
			m := msgs[0]
			require.Equal(t, "cluebot@example.com", m.From)
			require.Equal(t, []string{"boss@example.com", "ops@example.com"}, m.To)
			require.Equal(t, tc.user, m.User)
			require.Equal(t, tc.secure, m.TLS)
			subject, body, files := mailParts(t, m.Data)
			require.Equal(t, "线索日报 2024-05-01: 5 条线索", subject)
			require.Contains(t, body, "线索总数: 5")
			require.Equal(t, buf.Bytes(), files["cluebot-2024-05-01.xlsx"], "the attachment is the file, byte for byte")
		})
	}
}

func TestEmailSenderErrors(t *testing.T) {
	srv, pool := startSMTP(t, "starttls", "bot", "right")
	tlsConf := &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	for _, tc := range []struct {
		name string
		cfg  notify.EmailConfig
		tls  *tls.Config
		want string
	}{
		{"wrong password", notify.EmailConfig{Username: "bot", Password: "wrong", From: "a@example.com", TLS: "starttls"}, tlsConf, "535"},
		{"untrusted certificate", notify.EmailConfig{Username: "bot", Password: "right", From: "a@example.com", TLS: "starttls"}, nil, "certificate"},
		{"no sender", notify.EmailConfig{TLS: "starttls"}, tlsConf, "set email.from"},
		{"unknown tls mode", notify.EmailConfig{From: "a@example.com", TLS: "ssl3"}, tlsConf, `tls "ssl3"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Host, tc.cfg.Port, tc.cfg.To = "127.0.0.1", srv.addr.Port, []string{"b@example.com"}
			e := &EmailSender{Config: tc.cfg, TLSConfig: tc.tls}
			err := e.Send(context.Background(), "subject", "body", nil)
			require.ErrorContains(t, err, tc.want)
			require.NotContains(t, err.Error(), "right", "no password in errors")
		})
	}
	require.Empty(t, srv.messages())
}
