package robots

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// AddFeishu registers a Feishu custom bot with hook id id. A non-empty secret
// turns on 签名校验 and a non-empty keyword the keyword check. It returns the
// webhook's path.
func (s *Server) AddFeishu(id, secret, keyword string) string {
	s.add(Feishu, id, secret, keyword)
	return "/feishu/open-apis/bot/v2/hook/" + url.PathEscape(id)
}

func feishuError(status, code int, msg string) answer {
	return answer{status: status, code: code, msg: msg, body: map[string]any{"code": code, "msg": msg, "data": map[string]any{}}}
}

// feishu checks a bot/v2/hook request the way Feishu does: hook id, size,
// shape, timestamp and sign, keyword, 5 a second and 100 a minute.
func (s *Server) feishu(req *request) answer {
	rb := s.lookup(Feishu, req.id)
	if rb == nil {
		// The real code for an unknown hook is not documented: the simulator's choice.
		return feishuError(http.StatusOK, 19001, "param invalid: incoming webhook access token invalid")
	}
	if len(req.raw) > FeishuMaxBody {
		return feishuError(http.StatusBadRequest, 9499, "Bad Request")
	}
	dec := json.NewDecoder(bytes.NewReader(req.raw))
	dec.UseNumber() // keeps a numeric timestamp as written
	if err := dec.Decode(&req.body); err != nil || req.body == nil || !feishuShape(req.body) {
		return feishuError(http.StatusBadRequest, 9499, "Bad Request")
	}
	now := req.at
	if rb.secret != "" {
		ts := fmt.Sprint(dig(req.body, "timestamp")) // a string, or a number in practice
		sec, err := strconv.ParseInt(ts, 10, 64)
		mac := hmac.New(sha256.New, []byte(ts+"\n"+rb.secret))
		want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
		if err != nil || absDuration(now.Sub(time.Unix(sec, 0))) > SignatureWindow ||
			!hmac.Equal([]byte(str(req.body, "sign")), []byte(want)) {
			return feishuError(http.StatusOK, 19021, "sign match fail or timestamp is not within one hour from current time")
		}
	}
	if rb.keyword != "" && !strings.Contains(strings.Join(feishuTexts(req.body, "", nil), "\n"), rb.keyword) {
		return feishuError(http.StatusOK, 19024, "Key Words Not Found")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if within(&rb.sent, now, time.Second, time.Minute) >= FeishuPerSecond ||
		within(&rb.sent, now, time.Minute, time.Minute) >= FeishuPerMinute {
		// The documented code for a bot over its limit; 9499 "too many
		// request" (HTTP 400) is also seen, and is the injected fault.
		return feishuError(http.StatusOK, 11232, FeishuRateLimited)
	}
	accept(&rb.sent, now)
	return answer{status: http.StatusOK, record: true, body: map[string]any{
		"StatusCode": 0, "StatusMessage": "success", "code": 0, "data": map[string]any{}, "msg": "success"}}
}

// feishuShape reports whether the body has what its msg_type requires.
func feishuShape(b map[string]any) bool {
	switch str(b, "msg_type") {
	case "text":
		return str(b, "content", "text") != ""
	case "post":
		return dig(b, "content", "post") != nil
	case "image":
		return str(b, "content", "image_key") != ""
	case "share_chat":
		return str(b, "content", "share_chat_id") != ""
	case "interactive":
		_, ok := dig(b, "card").(map[string]any)
		return ok
	}
	return false
}

// feishuTexts collects the text-like values a keyword is looked for in:
// strings under text, title and content keys, never an href or url.
func feishuTexts(v any, key string, out []string) []string {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			out = feishuTexts(e, k, out)
		}
	case []any:
		for _, e := range x {
			out = feishuTexts(e, key, out)
		}
	case string:
		if key == "text" || key == "title" || key == "content" || key == "user_name" {
			out = append(out, x)
		}
	}
	return out
}
