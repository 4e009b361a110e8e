package robots

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// The headers a signed plain webhook carries (notify/webhook sets them): the
// Unix time in seconds, and "sha256=" + hex HMAC-SHA256(secret, ts + "." + body).
const (
	HeaderTimestamp = "X-Cluebot-Timestamp"
	HeaderSignature = "X-Cluebot-Signature"
)

// AddWebhook registers a plain JSON webhook sink called name and returns its
// path. With a secret, requests must carry a valid signature.
func (s *Server) AddWebhook(name, secret string) string {
	s.add(Webhook, name, secret, "")
	return "/webhook/" + url.PathEscape(name)
}

func webhookError(status int, msg string) answer {
	return answer{status: status, code: status, msg: msg, body: map[string]any{"error": msg}}
}

// webhook accepts any JSON object, checking the signature when the sink has
// a secret.
func (s *Server) webhook(req *request) answer {
	rb := s.lookup(Webhook, req.id)
	if rb == nil {
		return webhookError(http.StatusNotFound, "no such webhook")
	}
	if rb.secret != "" {
		h := req.http.Header
		sec, err := strconv.ParseInt(h.Get(HeaderTimestamp), 10, 64)
		mac := hmac.New(sha256.New, []byte(rb.secret))
		mac.Write([]byte(h.Get(HeaderTimestamp) + "."))
		mac.Write(req.raw)
		want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
		if err != nil || absDuration(s.opts.Now().Sub(time.Unix(sec, 0))) > WebhookSignatureSkew ||
			!hmac.Equal([]byte(h.Get(HeaderSignature)), []byte(want)) {
			return webhookError(http.StatusUnauthorized, "bad signature")
		}
	}
	if err := json.Unmarshal(req.raw, &req.body); err != nil || req.body == nil {
		return webhookError(http.StatusBadRequest, "body is not a JSON object")
	}
	return answer{status: http.StatusOK, record: true, body: map[string]any{"ok": true}}
}
