package receiver_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/dingtalk"
	"github.com/cluebot/cluebot/notify/feishu"
	"github.com/cluebot/cluebot/notify/notifytest"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/notify/webhook"
	"github.com/cluebot/cluebot/notify/wecom"
	"github.com/cluebot/cluebot/sim/robots"
)

// markBody renders msg for a receiver of type typ, its mark links link +
// the lead's id, or none when link is "" (console.base_url unset).
func markBody(t *testing.T, typ, link string, msg *notify.Message) []byte {
	t.Helper()
	tmpl := receiver.Platforms().DefaultTemplates()
	if link != "" {
		tmpl.SetMarkLink(func(id string) string { return link + id })
	}
	cfg := notify.ReceiverConfig{Type: typ, URL: "https://example.com/x/send?key=k"}
	n, err := receiver.Build("group", &cfg, tmpl, nil, http.DefaultClient)
	require.NoError(t, err)
	b, err := n.(receiver.Previewer).Body(msg)
	require.NoError(t, err)
	return b
}

// TestMarkLinkInAlerts: with console.base_url set (SetMarkLink), a lead's
// alert carries its mark link on every chat platform; without, it does not.
func TestMarkLinkInAlerts(t *testing.T) {
	const link = "https://cluebot.example.com/m/AAECAw-_"
	msg := &notify.Message{Receiver: "group", Alerts: []notify.Alert{
		{Lead: robots.SampleLead(), Route: "hot", Assignee: &robots.SampleMembers[0]}}}
	for _, typ := range []string{wecom.Type, feishu.Type, dingtalk.Type} {
		t.Run(typ, func(t *testing.T) {
			require.NotContains(t, string(markBody(t, typ, "", msg)), "/m/")
			b := markBody(t, typ, link, msg)
			require.Contains(t, string(b), link+robots.SampleLead().ID)
			notifytest.Golden(t, "lead-mark."+typ+".json", b)
		})
	}
}

// TestMarkLinkInDigests: a digest carries each lead's own mark link on every
// platform, the plain webhook as mark_url; without base_url none does.
func TestMarkLinkInDigests(t *testing.T) {
	const link = "https://cluebot.example.com/m/AAECAw-_"
	msg := &notify.Message{Receiver: "group"}
	for i := range 3 {
		a := digestAlert(i)
		a.Lead.ID = fmt.Sprintf("19745160400853638%d", i)
		msg.Alerts = append(msg.Alerts, a)
	}
	for _, typ := range []string{wecom.Type, feishu.Type, dingtalk.Type, webhook.Type} {
		t.Run(typ, func(t *testing.T) {
			b := markBody(t, typ, "", msg)
			require.NotContains(t, string(b), "/m/")
			require.NotContains(t, string(b), "mark_url")

			b = markBody(t, typ, link, msg)
			for _, a := range msg.Alerts {
				require.Equal(t, 1, strings.Count(string(b), link+a.Lead.ID), "one link per lead")
			}
			if typ == webhook.Type {
				var p webhook.Payload
				require.NoError(t, json.Unmarshal(b, &p))
				require.Equal(t, link+msg.Alerts[1].Lead.ID, p.Alerts[1].MarkURL)
				return
			}
			notifytest.Golden(t, "digest-mark."+typ+".json", b)
		})
	}
}

// TestMaxDigestFitsWithMarkLinks: a digest of MaxDigest typical leads still
// fits each platform's size limit when every lead carries a mark link of a
// realistic length (a base URL and a token for a 19-digit id).
func TestMaxDigestFitsWithMarkLinks(t *testing.T) {
	for _, typ := range platforms {
		t.Run(typ, func(t *testing.T) {
			tmpl := receiver.Platforms().DefaultTemplates()
			tmpl.SetMarkLink(func(id string) string {
				return "https://cluebot.sales-team.example.com/m/" + strings.Repeat("A", 52)
			})
			cfg := notify.ReceiverConfig{Type: typ, URL: "https://example.com/x/send?key=k"}
			n, err := receiver.Build("group", &cfg, tmpl, nil, http.DefaultClient)
			require.NoError(t, err)
			msg := &notify.Message{Receiver: typ}
			for i := range receiver.MaxDigest(typ) {
				msg.Alerts = append(msg.Alerts, digestAlert(i))
			}
			b, err := n.(receiver.Previewer).Body(msg)
			require.NoError(t, err, "a digest of MaxDigest typical leads with links fits")
			require.Equal(t, receiver.MaxDigest(typ), strings.Count(string(b), "/m/AAAA"), "no link was cut")
		})
	}
}

// TestMarkLinkInFollowups: a reminder carries its lead's mark link, and an
// escalation one per overdue lead, on every chat platform.
func TestMarkLinkInFollowups(t *testing.T) {
	const link = "https://cluebot.example.com/m/AAECAw-_"
	msgs := map[string]*notify.Message{
		"reminder":   notifytest.Reminder("group", "hot", &robots.SampleMembers[0]),
		"escalation": notifytest.Escalation("hot"),
	}
	for _, typ := range []string{wecom.Type, feishu.Type, dingtalk.Type} {
		for kind, msg := range msgs {
			t.Run(typ+"/"+kind, func(t *testing.T) {
				tmpl := receiver.Platforms().DefaultTemplates()
				tmpl.SetMarkLink(func(id string) string { return link + id })
				cfg := notify.ReceiverConfig{Type: typ, URL: "https://example.com/x/send?key=k"}
				n, err := receiver.Build("group", &cfg, tmpl, nil, http.DefaultClient)
				require.NoError(t, err)
				b, err := n.(receiver.Previewer).Body(msg)
				require.NoError(t, err)
				for _, a := range msg.Alerts {
					require.Equal(t, 1, strings.Count(string(b), link+a.Lead.ID), "one link per lead")
				}
			})
		}
	}
}
