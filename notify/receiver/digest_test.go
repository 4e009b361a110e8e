package receiver_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/receiver"
)

// TestDigestLinesHoldIntentionAndRoute: the contract lists per clue, in an
// alert or a digest of several, the intention and the route among the rest;
// each digest line on every chat platform names both (form answers are
// left to single alerts: a digest is for a backlog).
func TestDigestLinesHoldIntentionAndRoute(t *testing.T) {
	intentions := []string{"高意向", "潜在客户", "无意向"}
	routes := []string{"route-alpha", "route-beta", "route-gamma"}
	msg := &notify.Message{Receiver: "group"}
	for i := range intentions {
		a := digestAlert(i)
		a.Lead.IntentionLabel, a.Route = intentions[i], routes[i]
		msg.Alerts = append(msg.Alerts, a)
	}
	for _, typ := range platforms {
		t.Run(typ, func(t *testing.T) {
			cfg := notify.ReceiverConfig{Type: typ, URL: "https://example.com/x/send?key=k"}
			n, err := receiver.Build("group", &cfg, receiver.Platforms().DefaultTemplates(), nil, http.DefaultClient)
			require.NoError(t, err)
			b, err := n.(receiver.Previewer).Body(msg)
			require.NoError(t, err)
			var body any
			require.NoError(t, json.Unmarshal(b, &body))
			text := strings.Join(texts(body), "\n")
			for i, name := range []string{"客户00", "客户01", "客户02"} {
				var line string
				for _, l := range strings.Split(text, "\n") {
					if strings.Contains(l, name) {
						line = l
					}
				}
				require.Contains(t, line, intentions[i], "%s: %q", typ, line)
				require.Contains(t, line, routes[i], "%s: %q", typ, line)
			}
		})
	}
}
