package wecom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/url"
	"strings"

	"github.com/cluebot/cluebot/notify"
)

// The sizes webhook/upload_media takes: more than 5 bytes, at most 20 MB.
const (
	MinFile = 6
	MaxFile = 20 << 20
)

// SendFile uploads data as file name (the name the group sees) through
// webhook/upload_media and sends it as a file message. The media id is only
// valid for this robot, for 3 days, so it is used at once.
func (n *Notifier) SendFile(ctx context.Context, name string, data []byte) (bool, error) {
	if len(data) < MinFile || len(data) > MaxFile {
		return n.fail(fmt.Errorf("file %s is %d bytes: WeCom takes 6 bytes to 20 MB", name, len(data)))
	}
	target, err := uploadURL(n.cfg.URL.Reveal())
	if err != nil {
		return n.fail(err)
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	part, err := mw.CreateFormFile("media", name)
	if err == nil {
		_, err = part.Write(data)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return n.fail(fmt.Errorf("build upload of %s: %w", name, err))
	}
	base := notify.Error{Receiver: n.name, Platform: Type}
	ans, err := notify.Post(ctx, n.client, target, mw.FormDataContentType(), form.Bytes(), nil, n.scrub)
	if err != nil {
		base.Class, base.Err = notify.Retry, fmt.Errorf("upload %s: %w", name, err)
		return notify.Result(&base)
	}
	if e := notify.Judge(ans, base, []string{"errcode"}, "errmsg", classify, n.scrub); e != nil {
		return notify.Result(e)
	}
	var up struct {
		MediaID string `json:"media_id"`
	}
	if json.Unmarshal(ans.Body, &up) != nil || up.MediaID == "" {
		base.Class, base.Err = notify.Retry, errors.New("upload answer without a media_id")
		return notify.Result(&base)
	}
	body, err := notify.EncodeJSON(map[string]any{"msgtype": "file", "file": map[string]string{"media_id": up.MediaID}})
	if err != nil {
		return n.fail(err)
	}
	if e := n.post(ctx, n.cfg.URL.Reveal(), "application/json", body); e != nil {
		return notify.Result(e)
	}
	n.logger.Debug("wecom file sent", "file", name, "bytes", len(data))
	return false, nil
}

// fail is SendFile's result for a failure no retry can mend (the file, the
// url, building the request).
func (n *Notifier) fail(err error) (bool, error) {
	return notify.Result(&notify.Error{Receiver: n.name, Platform: Type, Class: notify.Permanent, Err: err})
}

// uploadURL turns a robot's send URL into its upload_media URL for a file:
// the same host and key, .../webhook/upload_media?key=K&type=file.
func uploadURL(send string) (string, error) {
	u, err := url.Parse(send)
	if err != nil || !strings.HasSuffix(u.Path, "/send") {
		return "", errors.New("url: a WeCom robot url ends in /webhook/send?key=...")
	}
	u.Path = strings.TrimSuffix(u.Path, "/send") + "/upload_media"
	q := u.Query()
	q.Set("type", "file")
	u.RawQuery = q.Encode()
	return u.String(), nil
}
