package robots

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// AddWeCom registers a WeCom group robot with webhook key key and returns
// the send path and query. Uploads go to the same path with upload_media in
// place of send.
func (s *Server) AddWeCom(key string) string {
	s.add(WeCom, key, "", "")
	return "/wecom/cgi-bin/webhook/send?key=" + url.QueryEscape(key)
}

func weComError(code int, msg string) answer {
	if code != 0 {
		msg = fmt.Sprintf("%s, hint: [sim_%d], more info at https://open.work.weixin.qq.com/devtool/query?e=%d", msg, code, code)
	}
	return answer{status: http.StatusOK, code: code, msg: msg, body: map[string]any{"errcode": code, "errmsg": msg}}
}

// weCom checks a webhook/send request the way WeCom does: key, shape,
// content length by msgtype, media ids, 20 a minute.
func (s *Server) weCom(req *request) answer {
	rb := s.lookup(WeCom, req.id)
	if rb == nil {
		return weComError(93000, "invalid webhook url")
	}
	if err := json.Unmarshal(req.raw, &req.body); err != nil || req.body == nil {
		return weComError(40058, "Warning: wrong json format. invalid Request Parameter")
	}
	now := req.at
	switch t := str(req.body, "msgtype"); t {
	case "text", "markdown", "markdown_v2":
		max := WeComMaxMarkdown
		if t == "text" {
			max = WeComMaxText
		}
		c := str(req.body, t, "content")
		if c == "" {
			return weComError(40058, t+".content is empty. invalid Request Parameter")
		}
		if len(c) > max {
			return weComError(40058, fmt.Sprintf("%s.content exceed max length %d. invalid Request Parameter", t, max))
		}
	case "file", "voice":
		s.mu.Lock()
		exp, ok := rb.media[str(req.body, t, "media_id")]
		s.mu.Unlock()
		if !ok || now.After(exp) {
			return weComError(40007, "invalid media_id")
		}
	case "image", "news", "template_card":
	default:
		return weComError(40008, "invalid message type")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if within(&rb.sent, now, time.Minute, time.Minute) >= WeComPerMinute {
		return weComError(45009, "api freq out of limit")
	}
	accept(&rb.sent, now)
	a := weComError(0, "ok")
	a.record = true
	return a
}

// weComUpload answers webhook/upload_media: a multipart form whose "media"
// part carries the file and its filename. The file is checked before the
// key, as WeCom does.
func (s *Server) weComUpload(req *request) answer {
	r := req.http
	r.Body = io.NopCloser(bytes.NewReader(req.raw))
	if err := r.ParseMultipartForm(WeComMaxFile + 1<<20); err != nil || r.MultipartForm.File["media"] == nil {
		return weComError(44001, "empty media data")
	}
	fh := r.MultipartForm.File["media"][0]
	f, err := fh.Open()
	if err != nil {
		return weComError(44001, "empty media data")
	}
	data, _ := io.ReadAll(f)
	f.Close()
	if len(data) == 0 {
		return weComError(44001, "empty media data")
	}
	rb := s.lookup(WeCom, req.id)
	if rb == nil {
		return weComError(93000, "invalid webhook url")
	}
	typ := r.URL.Query().Get("type")
	if typ != "file" && typ != "voice" {
		return weComError(40004, "invalid media type")
	}
	if len(data) <= 5 || len(data) > WeComMaxFile {
		return weComError(40006, "invalid media size")
	}
	now := req.at
	s.mu.Lock()
	id := fmt.Sprintf("3%016x%016x", s.rng.Uint64(), s.rng.Uint64())
	rb.media[id] = now.Add(WeComMediaTTL)
	s.uploads = append(s.uploads, Upload{Robot: req.id, Name: fh.Filename, MediaID: id, Data: data, Time: now})
	s.mu.Unlock()
	return answer{status: http.StatusOK, body: map[string]any{"errcode": 0, "errmsg": "ok", "type": typ,
		"media_id": id, "created_at": strconv.FormatInt(now.Unix(), 10)}}
}
