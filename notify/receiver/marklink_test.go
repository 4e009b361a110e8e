package receiver_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/dingtalk"
	"github.com/cluebot/cluebot/notify/feishu"
	"github.com/cluebot/cluebot/notify/notifytest"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/notify/wecom"
	"github.com/cluebot/cluebot/sim/robots"
)

// TestMarkLinkInAlerts: with console.base_url set (SetMarkLink), a lead's
// alert carries its mark link on every chat platform; without, it does not.
func TestMarkLinkInAlerts(t *testing.T) {
	const link = "https://cluebot.example.com/m/AAECAw-_"
	msg := &notify.Message{Receiver: "group", Alerts: []notify.Alert{
		{Lead: robots.SampleLead(), Route: "hot", Assignee: &robots.SampleMembers[0]}}}
	for _, typ := range []string{wecom.Type, feishu.Type, dingtalk.Type} {
		t.Run(typ, func(t *testing.T) {
			cfg := notify.ReceiverConfig{Type: typ, URL: "https://example.com/x/send?key=k"}
			plain, err := receiver.Build("group", &cfg, receiver.Platforms().DefaultTemplates(), nil, http.DefaultClient)
			require.NoError(t, err)
			b, err := plain.(receiver.Previewer).Body(msg)
			require.NoError(t, err)
			require.NotContains(t, string(b), "/m/")

			tmpl := receiver.Platforms().DefaultTemplates()
			tmpl.SetMarkLink(func(id string) string { return link + id })
			n, err := receiver.Build("group", &cfg, tmpl, nil, http.DefaultClient)
			require.NoError(t, err)
			b, err = n.(receiver.Previewer).Body(msg)
			require.NoError(t, err)
			require.Contains(t, string(b), link+robots.SampleLead().ID)
			notifytest.Golden(t, "lead-mark."+typ+".json", b)
		})
	}
}
