package feishu_test

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/feishu"
	"github.com/cluebot/cluebot/notify/notifytest"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/sim/robots"
)

// hookID is the bot's hook id, a secret like a key.
const hookID = "2f1e9c40-hook-4a0b-9d1e-0123456789ab"

// setup runs a simulator with one Feishu bot and returns it with a notifier
// for it.
func setup(t *testing.T, secretKey, keyword string, cfg notify.ReceiverConfig, opts robots.Options) (*robots.Server, *feishu.Notifier) {
	t.Helper()
	opts.Now = notifytest.Now
	s := robots.New(opts)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	cfg.Type = feishu.Type
	cfg.URL = secret.String(srv.URL + s.AddFeishu(hookID, secretKey, keyword))
	n, err := feishu.New("calls-team", &cfg, nil, nil, srv.Client())
	require.NoError(t, err)
	n.SetClock(notifytest.Now)
	return s, n
}

// stub answers every request with status and body.
func stub(t *testing.T, status int, body string) string {
	t.Helper()
	return notifytest.Stub(t, status, body) + "/open-apis/bot/v2/hook/" + hookID
}

func sample(m *notify.Message) *notify.Message {
	if m == nil {
		m = &notify.Message{Receiver: "calls-team"}
	}
	m.Alerts = append(m.Alerts, notify.Alert{Lead: robots.SampleLead(), Route: "smart-calls", Assignee: &robots.SampleMembers[0]})
	return m
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	notifytest.Golden(t, name, got)
}

// card decodes an interactive message the simulator accepted.
type card struct {
	Timestamp string `json:"timestamp"`
	Sign      string `json:"sign"`
	MsgType   string `json:"msg_type"`
	Card      struct {
		Schema string `json:"schema"`
		Header struct {
			Title struct {
				Tag     string `json:"tag"`
				Content string `json:"content"`
			} `json:"title"`
			Template string `json:"template"`
		} `json:"header"`
		Body struct {
			Elements []struct {
				Tag     string `json:"tag"`
				Content string `json:"content"`
			} `json:"elements"`
		} `json:"body"`
	} `json:"card"`
}

func decode(t *testing.T, raw []byte) card {
	t.Helper()
	var c card
	require.NoError(t, json.Unmarshal(raw, &c))
	return c
}
