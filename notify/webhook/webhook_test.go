package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/webhook"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/sim/robots"
)

var fixed = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

func sample() *notify.Message {
	return &notify.Message{Receiver: "crm", Alerts: []notify.Alert{{Lead: robots.SampleLead(), Route: "henan-hot", Assignee: &robots.SampleMembers[1]}}}
}

func TestSignedPayloadAccepted(t *testing.T) {
	s := robots.New(robots.Options{Now: func() time.Time { return fixed }})
	srv := httptest.NewServer(s)
	defer srv.Close()
	cfg := notify.ReceiverConfig{Type: webhook.Type, URL: secret.String(srv.URL + s.AddWebhook("crm", "wh-secret")), Secret: "wh-secret"}
	n, err := webhook.New("crm", &cfg, nil, nil, nil)
	require.NoError(t, err)
	n.SetClock(func() time.Time { return fixed })

	retry, err := n.Notify(context.Background(), sample())
	require.NoError(t, err)
	require.False(t, retry)
	msgs := s.Messages("crm")
	require.Len(t, msgs, 1, "the simulator checked the signature")

	var p webhook.Payload
	require.NoError(t, json.Unmarshal(msgs[0].Raw, &p))
	require.Equal(t, 1, p.Version)
	require.Equal(t, notify.KindLead, p.Kind)
	require.Equal(t, "2024-05-01T10:00:00Z", p.SentAt)
	require.Len(t, p.Alerts, 1)
	l := p.Alerts[0].Lead
	require.Equal(t, "197451604008536386", l.ID)
	require.Equal(t, "155****8917", l.Phone, "masked by default")
	require.Equal(t, "155****8917", l.Form["电话"])
	require.Equal(t, "宝马2系/河南/郑州/二七区/哈登店", l.Form["下拉单选"])
	require.Equal(t, "2021-03-07T16:10:49+08:00", l.CreateTime)
	require.Equal(t, &webhook.Assignee{Name: "李四", Mobile: "13800000002"}, p.Alerts[0].Assignee)
	require.Equal(t, webhook.Sign("wh-secret", "1714557600", msgs[0].Raw), msgs[0].Header.Get(webhook.HeaderSignature))
}

func TestPayloadKinds(t *testing.T) {
	off := false
	digest := sample()
	digest.Alerts = append(digest.Alerts, digest.Alerts[0])
	p := webhook.NewPayload(digest, off, fixed, nil)
	require.Equal(t, notify.KindDigest, p.Kind)
	require.Equal(t, "15584418917", p.Alerts[0].Lead.Phone, "mask_phone: false")

	for _, kind := range []string{notify.KindReminder, notify.KindEscalation} {
		msg := sample()
		msg.Followup = &notify.Followup{Kind: kind, Late: 15 * time.Minute}
		require.Equal(t, kind, webhook.NewPayload(msg, true, fixed, nil).Kind, "a follow-up says which")
	}

	sum := webhook.NewPayload(&notify.Message{Summary: &notify.Summary{Date: "2024-04-30", Total: 3,
		Sections: []notify.SummarySection{{Title: "按城市", Rows: []notify.SummaryRow{{Label: "郑州", Count: 3}}}}}}, true, fixed, nil)
	b, err := webhook.Marshal(sum)
	require.NoError(t, err)
	require.JSONEq(t, `{"version":1,"receiver":"","kind":"summary","sent_at":"2024-05-01T10:00:00Z",
		"summary":{"title":"","date":"2024-04-30","total":3,"unrouted":0,"sections":[{"title":"按城市","rows":[{"label":"郑州","count":3}]}]}}`, string(b))

	_, err = webhook.Marshal(webhook.NewPayload(&notify.Message{}, true, fixed, nil))
	require.Error(t, err)
}

func TestStatusClasses(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		header     http.Header
		class      notify.Class
		retryAfter time.Duration
	}{
		{name: "404", status: 404, class: notify.Permanent},
		{name: "401", status: 401, class: notify.Permanent},
		{name: "413", status: 413, class: notify.TooLarge},
		{name: "429 with Retry-After", status: 429, header: http.Header{"Retry-After": {"30"}}, class: notify.Retry, retryAfter: 30 * time.Second},
		{name: "500", status: 500, class: notify.Retry},
		{name: "503", status: 503, class: notify.Retry},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header()[k] = v
				}
				w.WriteHeader(tc.status)
				w.Write([]byte("refused: token=t0k3n-secret-value"))
			}))
			defer srv.Close()
			cfg := notify.ReceiverConfig{Type: webhook.Type, URL: secret.String(srv.URL + "/hook?token=t0k3n-secret-value")}
			n, err := webhook.New("crm", &cfg, nil, nil, nil)
			require.NoError(t, err)
			retry, err := n.Notify(context.Background(), sample())
			var e *notify.Error
			require.True(t, errors.As(err, &e))
			require.Equal(t, tc.class, e.Class)
			require.Equal(t, tc.class == notify.Retry, retry)
			require.Equal(t, tc.status, e.HTTPStatus)
			require.Equal(t, tc.retryAfter, e.RetryAfter)
			require.NotContains(t, err.Error(), "t0k3n-secret-value", "scrubbed even when the answer echoes it")
			require.Contains(t, err.Error(), "refused: token=<redacted>")
		})
	}
}

func TestNewChecksURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x/y", "http://"} {
		_, err := webhook.New("crm", &notify.ReceiverConfig{Type: webhook.Type, URL: secret.String(u)}, nil, nil, nil)
		require.Error(t, err, u)
	}
	_, err := webhook.New("crm", nil, nil, nil, nil)
	require.Error(t, err)
}

func TestNoticePayload(t *testing.T) {
	fixed := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	b, err := webhook.Marshal(webhook.NewPayload(&notify.Message{Receiver: "ops",
		Notice: &notify.Notice{Title: "账户长时间没有线索", Lines: []string{"a(1)：72 小时"}}}, true, fixed, nil))
	require.NoError(t, err)
	require.JSONEq(t, `{"version":1,"receiver":"ops","kind":"notice","sent_at":"2024-05-01T10:00:00Z",
		"notice":{"title":"账户长时间没有线索","lines":["a(1)：72 小时"]}}`, string(b))
}
