package receiver_test

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/dingtalk"
	"github.com/cluebot/cluebot/notify/feishu"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/notify/webhook"
	"github.com/cluebot/cluebot/notify/wecom"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/sim/robots"
)

// platforms are the chat platforms, with the robot id each test uses.
var platforms = []string{dingtalk.Type, wecom.Type, feishu.Type}

// env is a simulator with one robot per platform (signed, with keywords
// where the platform has them) and a notifier for each.
type env struct {
	sim       *robots.Server
	notifiers map[string]notify.Notifier
}

func newEnv(t *testing.T) *env {
	t.Helper()
	s := robots.New(robots.Options{})
	s.AddMembers(robots.SampleMembers...)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	cfgs := map[string]notify.ReceiverConfig{
		dingtalk.Type: {URL: secret.String(srv.URL + s.AddDingTalk(dingtalk.Type, "SECdt", "线索")), Secret: "SECdt", Keyword: "线索"},
		wecom.Type:    {URL: secret.String(srv.URL + s.AddWeCom(wecom.Type))},
		feishu.Type:   {URL: secret.String(srv.URL + s.AddFeishu(feishu.Type, "fs", "线索")), Secret: "fs", Keyword: "线索"},
		webhook.Type:  {URL: secret.String(srv.URL + s.AddWebhook(webhook.Type, "wh")), Secret: "wh"},
	}
	e := &env{sim: s, notifiers: map[string]notify.Notifier{}}
	for typ, cfg := range cfgs {
		cfg.Type = typ
		n, err := receiver.Build(typ, &cfg, nil, nil, srv.Client())
		require.NoError(t, err)
		e.notifiers[typ] = n
	}
	return e
}

// last returns the last message the platform's robot accepted.
func (e *env) last(t *testing.T, platform string) robots.Received {
	t.Helper()
	msgs := e.sim.Messages(platform)
	require.NotEmpty(t, msgs, "nothing accepted on %s; refusals: %+v", platform, e.sim.Refusals())
	return msgs[len(msgs)-1]
}

// texts returns every string in a parsed JSON body.
func texts(v any) []string {
	switch x := v.(type) {
	case map[string]any:
		var out []string
		for _, e := range x {
			out = append(out, texts(e)...)
		}
		return out
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, texts(e)...)
		}
		return out
	case string:
		return []string{x}
	}
	return nil
}

func lead(l func() notify.Alert) []notify.Alert { return []notify.Alert{l()} }

func sampleAlert() notify.Alert {
	return notify.Alert{Lead: robots.SampleLead(), Route: "henan-hot", Assignee: &robots.SampleMembers[0]}
}

// digestAlert is lead i of a typical digest: a longer page name than the
// sample's, assignees in turn (some with a mobile only).
func digestAlert(i int) notify.Alert {
	l := robots.SampleLead()
	l.UserName = fmt.Sprintf("客户%02d", i)
	l.PageName = "宝马X3 限时优惠试驾落地页（郑州站）"
	return notify.Alert{Lead: l, Route: "henan-hot", Assignee: &robots.SampleMembers[i%len(robots.SampleMembers)]}
}
