package wecom_test

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/notifytest"
	"github.com/cluebot/cluebot/notify/wecom"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/sim/robots"
)

// TestGoldenMarkLink: with console.base_url set, a lead's alert carries its
// mark link.
func TestGoldenMarkLink(t *testing.T) {
	s := robots.New(robots.Options{Now: notifytest.Now})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	tmpl := notify.Platforms{wecom.Platform()}.DefaultTemplates()
	tmpl.SetMarkLink(func(id string) string { return "https://cluebot.example.com/m/AAECAw-_" + id })
	cfg := notify.ReceiverConfig{Type: wecom.Type, URL: secret.String(srv.URL + s.AddWeCom("k3y-0123456789"))}
	n, err := wecom.New("group", &cfg, tmpl, nil, srv.Client())
	require.NoError(t, err)
	b, err := n.Body(sample(nil))
	require.NoError(t, err)
	require.Contains(t, string(b), "https://cluebot.example.com/m/AAECAw-_"+robots.SampleLead().ID)
	golden(t, "lead-mark.json", b)
}
