package onboard

import (
	"errors"
	"html/template"
	"net/http"

	"github.com/cluebot/cluebot/store"
)

// page is the small page the browser lands on after the authorize page.
var page = template.Must(template.New("callback").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>cluebot 授权</title></head>
<body>{{if .OK}}<h1>授权成功</h1>
<p>已授权 {{.N}} 个广告主，将从现在开始拉取线索。</p>
{{else}}<h1>授权失败</h1>
<p>{{.Msg}}</p>
{{end}}</body></html>
`))

type pageData struct {
	OK  bool
	N   int
	Msg string
}

// Handler serves GET fetch.CallbackPath: it checks the single-use state,
// exchanges the code (auth_code, or code), discovers the advertisers and
// answers with a page saying how many are now pulled. An unknown, reused or
// expired state answers 400 and stores nothing. The page never shows a
// token or the code.
func (o *Onboarder) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		code := q.Get("auth_code")
		if code == "" {
			code = q.Get("code")
		}
		w.Header().Set("Cache-Control", "no-store")
		if code == "" || q.Get("state") == "" {
			render(w, http.StatusBadRequest, pageData{Msg: "链接缺少 auth_code 或 state，请重新生成授权链接。"})
			return
		}
		res, err := o.Callback(r.Context(), q.Get("state"), code)
		switch {
		case errors.Is(err, store.ErrStateInvalid):
			render(w, http.StatusBadRequest, pageData{Msg: "授权链接无效、已使用或已过期，请用 cluebot auth url 重新生成。"})
		case err != nil && res.AuthorizationID == 0:
			o.log().Error("oauth callback failed", "err", err)
			render(w, http.StatusBadGateway, pageData{Msg: "换取授权失败，请重新授权；详情见 cluebot 日志。"})
		case err != nil:
			o.log().Error("oauth callback: advertiser list failed", "authorization", res.AuthorizationID, "err", err)
			render(w, http.StatusBadGateway, pageData{Msg: "授权已保存，但读取广告主列表失败；cluebot 会按 discover_interval 重试。"})
		default:
			o.log().Info("authorization added", "authorization", res.AuthorizationID, "type", res.Type,
				"advertisers", res.Advertisers)
			render(w, http.StatusOK, pageData{OK: true, N: res.Advertisers})
		}
	})
}

func render(w http.ResponseWriter, status int, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = page.Execute(w, d)
}
