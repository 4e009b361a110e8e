package dingtalk_test

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/dingtalk"
	"github.com/cluebot/cluebot/notify/notifytest"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/sim/robots"
)

// setup runs a simulator with one DingTalk robot and returns it with a
// notifier for it.
func setup(t *testing.T, secretKey, keyword string, cfg notify.ReceiverConfig) (*robots.Server, *dingtalk.Notifier) {
	t.Helper()
	s := robots.New(robots.Options{Now: notifytest.Now})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	cfg.Type = dingtalk.Type
	cfg.URL = secret.String(srv.URL + s.AddDingTalk("tok3n", secretKey, keyword))
	n, err := dingtalk.New("henan-sales", &cfg, nil, nil, srv.Client())
	require.NoError(t, err)
	n.SetClock(notifytest.Now)
	return s, n
}

// stub answers every request with status and body.
func stub(t *testing.T, status int, body string) string {
	t.Helper()
	return notifytest.Stub(t, status, body) + "/robot/send?access_token=tok3n"
}

func sample(m *notify.Message) *notify.Message {
	if m == nil {
		m = &notify.Message{Receiver: "henan-sales"}
	}
	m.Alerts = append(m.Alerts, notify.Alert{Lead: robots.SampleLead(), Route: "henan-hot", Assignee: &robots.SampleMembers[0]})
	return m
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	notifytest.Golden(t, name, got)
}

// body decodes the markdown message the simulator accepted.
type body struct {
	MsgType  string `json:"msgtype"`
	Markdown struct {
		Title string `json:"title"`
		Text  string `json:"text"`
	} `json:"markdown"`
	At struct {
		AtMobiles []string `json:"atMobiles"`
		IsAtAll   bool     `json:"isAtAll"`
	} `json:"at"`
}

func decode(t *testing.T, raw []byte) body {
	t.Helper()
	var b body
	require.NoError(t, json.Unmarshal(raw, &b))
	return b
}
