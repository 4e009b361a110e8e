package robots

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// AddDingTalk registers a DingTalk custom robot with access token token. A
// non-empty secret turns on 加签 and a non-empty keyword the keyword check.
// It returns the webhook's path and query.
func (s *Server) AddDingTalk(token, secret, keyword string) string {
	s.add(DingTalk, token, secret, keyword)
	return "/dingtalk/robot/send?access_token=" + url.QueryEscape(token)
}

func dingTalkError(code int, msg string) answer {
	return answer{status: http.StatusOK, code: code, msg: msg, body: map[string]any{"errcode": code, "errmsg": msg}}
}

// dingTalk checks a robot/send request the way DingTalk does: token, the
// 10-minute penalty, timestamp and sign, size, shape, keyword, 20 a minute.
func (s *Server) dingTalk(req *request) answer {
	rb := s.lookup(DingTalk, req.id)
	if rb == nil {
		return dingTalkError(300001, "token is not exist")
	}
	now := req.at
	s.mu.Lock()
	blocked := now.Before(rb.blocked)
	s.mu.Unlock()
	if blocked {
		return dingTalkError(130101, "send too fast, exceed 20 times per minute")
	}
	if rb.secret != "" {
		q := req.http.URL.Query()
		ts, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
		if err != nil || absDuration(now.Sub(time.UnixMilli(ts))) > SignatureWindow {
			return dingTalkError(310000, "invalid timestamp")
		}
		mac := hmac.New(sha256.New, []byte(rb.secret))
		mac.Write([]byte(q.Get("timestamp") + "\n" + rb.secret))
		want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
		if !hmac.Equal([]byte(q.Get("sign")), []byte(want)) {
			return dingTalkError(310000, "sign not match")
		}
	}
	if len(req.raw) > DingTalkMaxBody {
		return dingTalkError(460101, "message too long, exceed 20000 bytes")
	}
	if err := json.Unmarshal(req.raw, &req.body); err != nil || req.body == nil {
		return dingTalkError(40035, "缺少参数 json")
	}
	content, ok := dingTalkContent(req.body)
	if !ok {
		return dingTalkError(40035, "缺少参数 "+str(req.body, "msgtype"))
	}
	if rb.keyword != "" && !strings.Contains(content, rb.keyword) {
		return dingTalkError(310000, "keywords not in content")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if within(&rb.sent, now, time.Minute, time.Minute) >= DingTalkPerMinute {
		rb.blocked = now.Add(DingTalkPenalty)
		return dingTalkError(130101, "send too fast, exceed 20 times per minute")
	}
	accept(&rb.sent, now)
	a := dingTalkError(0, "ok")
	a.record = true
	return a
}

// dingTalkContent returns the text a keyword is looked for in, and whether
// the message has the fields its msgtype requires.
func dingTalkContent(b map[string]any) (string, bool) {
	switch str(b, "msgtype") {
	case "text":
		c := str(b, "text", "content")
		return c, c != ""
	case "markdown":
		t, x := str(b, "markdown", "title"), str(b, "markdown", "text")
		return t + "\n" + x, t != "" && x != ""
	case "actionCard":
		t, x := str(b, "actionCard", "title"), str(b, "actionCard", "text")
		return t + "\n" + x, t != "" && x != ""
	case "link":
		t, x := str(b, "link", "title"), str(b, "link", "text")
		return t + "\n" + x, str(b, "link", "messageUrl") != ""
	case "feedCard":
		links, _ := dig(b, "feedCard", "links").([]any)
		var sb strings.Builder
		for _, l := range links {
			if m, ok := l.(map[string]any); ok {
				sb.WriteString(str(m, "title") + "\n")
			}
		}
		return sb.String(), len(links) > 0
	}
	return "", false
}

// dig returns the value at path in a parsed JSON object, or nil.
func dig(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// str returns the string at path in a parsed JSON object, or "".
func str(v any, path ...string) string {
	s, _ := dig(v, path...).(string)
	return s
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
