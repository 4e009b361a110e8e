package robots_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/sim/robots"
)

func weComMsg(typ, content string) map[string]any {
	return map[string]any{"msgtype": typ, typ: map[string]any{"content": content}}
}

func TestWeComChecks(t *testing.T) {
	s, base := start(t, nil, robots.Options{})
	u := base + s.AddWeCom("K")
	tests := []struct {
		name string
		url  string
		body any
		code int
		errm string
	}{
		{name: "markdown", url: u, body: weComMsg("markdown", "<font color=\"warning\">新线索</font>")},
		{name: "markdown at the limit", url: u, body: weComMsg("markdown", strings.Repeat("a", 4096))},
		{name: "markdown over the limit", url: u, body: weComMsg("markdown", strings.Repeat("长", 1366)), code: 40058,
			errm: "markdown.content exceed max length 4096"},
		{name: "text over the limit", url: u, body: weComMsg("text", strings.Repeat("a", 2049)), code: 40058,
			errm: "text.content exceed max length 2048"},
		{name: "unknown key", url: base + "/wecom/cgi-bin/webhook/send?key=nope", body: weComMsg("text", "x"), code: 93000,
			errm: "invalid webhook url"},
		{name: "unknown msgtype", url: u, body: map[string]any{"msgtype": "video"}, code: 40008},
		{name: "unknown media", url: u, body: map[string]any{"msgtype": "file", "file": map[string]any{"media_id": "x"}}, code: 40007},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, tc.url, tc.body, nil)
			require.Equal(t, 200, r.Status)
			require.Equal(t, tc.code, r.code(), r.Raw)
			require.Contains(t, r.msg(), tc.errm)
		})
	}
}

func TestWeComRateLimit(t *testing.T) {
	c := &clock{t: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}
	s, base := start(t, c, robots.Options{})
	u := base + s.AddWeCom("R")
	for i := range 20 {
		require.Equal(t, 0, post(t, u, weComMsg("text", "x"), nil).code(), "message %d", i+1)
	}
	r := post(t, u, weComMsg("text", "x"), nil)
	require.Equal(t, 45009, r.code())
	require.Contains(t, r.msg(), "api freq out of limit")
	c.Add(time.Minute + time.Second)
	require.Equal(t, 0, post(t, u, weComMsg("text", "x"), nil).code(), "no penalty once the window passed")
}

// upload posts a multipart upload of data as name.
func upload(t *testing.T, url, name string, data []byte) reply {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if data != nil {
		w, err := mw.CreateFormFile("media", name)
		require.NoError(t, err)
		w.Write(data)
	}
	require.NoError(t, mw.Close())
	return post(t, url, b.Bytes(), http.Header{"Content-Type": {mw.FormDataContentType()}})
}

func TestWeComUploadAndFile(t *testing.T) {
	c := &clock{t: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}
	s, base := start(t, c, robots.Options{})
	send := base + s.AddWeCom("F")
	up := base + "/wecom/cgi-bin/webhook/upload_media?key=F&type=file"

	require.Equal(t, 44001, upload(t, base+"/wecom/cgi-bin/webhook/upload_media?key=nope&type=file", "a.xlsx", nil).code(),
		"the file is checked before the key")
	require.Equal(t, 93000, upload(t, base+"/wecom/cgi-bin/webhook/upload_media?key=nope&type=file", "a.xlsx", []byte("report")).code())
	require.Equal(t, 40006, upload(t, up, "a.xlsx", []byte("12345")).code(), "5 bytes is too small")

	r := upload(t, up, "日报.xlsx", []byte("PK\x03\x04 report"))
	require.Equal(t, 0, r.code(), r.Raw)
	id, _ := r.Body["media_id"].(string)
	require.NotEmpty(t, id)
	require.Equal(t, "file", r.Body["type"])
	require.IsType(t, "", r.Body["created_at"], "created_at is a string, as documented")

	file := map[string]any{"msgtype": "file", "file": map[string]any{"media_id": id}}
	require.Equal(t, 0, post(t, send, file, nil).code())
	uploads := s.Uploads("F")
	require.Len(t, uploads, 1)
	require.Equal(t, "日报.xlsx", uploads[0].Name)
	require.Contains(t, s.Render(s.Messages("F")[0]), "[文件] 日报.xlsx")

	s.AddWeCom("other")
	require.Equal(t, 40007, post(t, base+"/wecom/cgi-bin/webhook/send?key=other", file, nil).code(),
		"a media id only works for the robot that uploaded it")
	c.Add(72*time.Hour + time.Second)
	require.Equal(t, 40007, post(t, send, file, nil).code(), "media ids expire after 3 days")
}
