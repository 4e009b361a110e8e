package wecom_test

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/notifytest"
	"github.com/cluebot/cluebot/notify/wecom"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/sim/robots"
)

// setup runs a simulator with one WeCom robot and returns it with a
// notifier for it.
func setup(t *testing.T, cfg notify.ReceiverConfig, opts robots.Options) (*robots.Server, *wecom.Notifier) {
	t.Helper()
	opts.Now = notifytest.Now
	s := robots.New(opts)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	cfg.Type = wecom.Type
	cfg.URL = secret.String(srv.URL + s.AddWeCom("k3y-0123456789"))
	n, err := wecom.New("managers", &cfg, nil, nil, srv.Client())
	require.NoError(t, err)
	return s, n
}

// stub answers every request with status and body.
func stub(t *testing.T, status int, body string) string {
	t.Helper()
	return notifytest.Stub(t, status, body) + "/cgi-bin/webhook/send?key=k3y-0123456789"
}

func sample(m *notify.Message) *notify.Message {
	if m == nil {
		m = &notify.Message{Receiver: "managers"}
	}
	m.Alerts = append(m.Alerts, notify.Alert{Lead: robots.SampleLead(), Route: "guangdong", Assignee: &robots.SampleMembers[0]})
	return m
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	notifytest.Golden(t, name, got)
}

// body decodes a markdown or text message the simulator accepted.
type body struct {
	MsgType  string `json:"msgtype"`
	Markdown struct {
		Content string `json:"content"`
	} `json:"markdown"`
	Text struct {
		Content             string   `json:"content"`
		MentionedList       []string `json:"mentioned_list"`
		MentionedMobileList []string `json:"mentioned_mobile_list"`
	} `json:"text"`
}

func decode(t *testing.T, raw []byte) body {
	t.Helper()
	var b body
	require.NoError(t, json.Unmarshal(raw, &b))
	return b
}
