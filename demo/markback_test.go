package demo

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/sim/robots"
)

// TestFindLinkInDigests: when the robots received nothing but digests (the
// pacing batched every lead), the mark step still finds a lead's link, on
// every chat platform, as the chat app renders the message.
func TestFindLinkInDigests(t *testing.T) {
	const base = "https://cluebot.example.com"
	for _, typ := range []string{"dingtalk", "wecom", "feishu"} {
		t.Run(typ, func(t *testing.T) {
			rb := robots.New(robots.Options{})
			rb.AddMembers(robots.SampleMembers...)
			srv := httptest.NewServer(rb)
			t.Cleanup(srv.Close)
			var path string
			switch typ {
			case "dingtalk":
				path = rb.AddDingTalk("dt", "", "")
			case "wecom":
				path = rb.AddWeCom("wc")
			case "feishu":
				path = rb.AddFeishu("fs", "", "")
			}
			tmpl := receiver.Platforms().DefaultTemplates()
			tmpl.SetMarkLink(func(id string) string { return base + "/m/tok-" + id })
			n, err := receiver.Build("group", &notify.ReceiverConfig{Type: typ, URL: secret.String(srv.URL + path)}, tmpl, nil, srv.Client())
			require.NoError(t, err)
			msg := &notify.Message{Receiver: "group"}
			for i := range 3 {
				l := robots.SampleLead()
				l.ID = fmt.Sprintf("10%d", i)
				msg.Alerts = append(msg.Alerts, notify.Alert{Lead: l, Route: "r", Assignee: &robots.SampleMembers[i%len(robots.SampleMembers)]})
			}
			_, err = n.Notify(context.Background(), msg)
			require.NoError(t, err)
			require.Len(t, rb.All(), 1, "one digest")

			link := findLink(rb, base+"/m/")
			require.NotNil(t, link, "the digest carries mark links")
			require.Equal(t, "/m/tok-100", link.Path, "the first lead's link")
		})
	}
}
