package notify_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/receiver"
)

// slack is a platform the registration does not know: what a new robot
// type declares, to show that declaring it is all the platform list needs.
type slack struct{}

func (slack) Notify(context.Context, *notify.Message) (bool, error) { return false, nil }

func slackPlatform() notify.Platform {
	return notify.Platform{
		Type: "slack",
		New: notify.NewWith(func(string, *notify.ReceiverConfig, *notify.Templates, *slog.Logger, *http.Client) (*slack, error) {
			return &slack{}, nil
		}),
		Templates: fstest.MapFS{
			"lead.slack.tmpl":    {Data: []byte("新线索 {{.Name}}")},
			"digest.slack.tmpl":  {Data: []byte("{{.Count}} 条新线索")},
			"summary.slack.tmpl": {Data: []byte("日报 {{.Total}}")},
		},
		Limits: notify.Limits{MaxBody: 4000, PerSecond: 1, MaxDigest: 5},
	}
}

func TestPlatformsLookup(t *testing.T) {
	ps := append(receiver.Platforms(), slackPlatform())
	require.Equal(t, []string{"dingtalk", "wecom", "feishu", "webhook", "slack"}, ps.Types())
	p, ok := ps.Lookup("slack")
	require.True(t, ok)
	require.Equal(t, 5, p.Limits.MaxDigest)
	_, ok = ps.Lookup(notify.TypeEmail)
	require.False(t, ok, "email is not a chat platform")
	for _, p := range receiver.Platforms() {
		require.NotNil(t, p.New, p.Type)
		require.Positive(t, p.Limits.MaxDigest, p.Type)
		require.True(t, p.Limits.PerMinute > 0 || p.Limits.PerSecond > 0, "%s declares a send budget", p.Type)
	}
}

// TestValidateAsksThePlatforms: the receiver types config accepts are the
// registered platforms' and email, in the order they are listed.
func TestValidateAsksThePlatforms(t *testing.T) {
	ps := notify.Platforms{slackPlatform()}
	require.NoError(t, (&notify.ReceiverConfig{Type: "slack", URL: "https://hooks.example/x"}).Validate("r", ps))
	require.EqualError(t, (&notify.ReceiverConfig{Type: "slack"}).Validate("r", ps), "receivers.r.url: not an http(s) URL")
	require.EqualError(t, (&notify.ReceiverConfig{Type: "dingtalk", URL: "https://x.example/"}).Validate("r", ps),
		`receivers.r.type: "dingtalk" is not one of slack, email`)
	require.EqualError(t, (&notify.ReceiverConfig{}).Validate("r", receiver.Platforms()),
		"receivers.r.type: must be set (dingtalk, wecom, feishu, webhook or email)")
	require.EqualError(t, (&notify.ReceiverConfig{Type: "slack"}).Validate("r", receiver.Platforms()),
		`receivers.r.type: "slack" is not one of dingtalk, wecom, feishu, webhook, email`)
}

// TestTemplatesOfAPlatform: a platform's shipped templates load with the
// others', a directory may override them, and only platforms with
// templates render them.
func TestTemplatesOfAPlatform(t *testing.T) {
	ps := append(receiver.Platforms(), slackPlatform())
	dir := writeFiles(t, map[string]string{"vip.slack.tmpl": "VIP {{.Name}}"})
	tmpl, err := ps.LoadTemplates(dir)
	require.NoError(t, err)
	for _, kind := range []string{"lead", "digest", "summary", "vip"} {
		require.True(t, tmpl.Has(kind, "slack"), kind)
	}
	require.True(t, tmpl.Has("lead", "dingtalk"))
	require.True(t, tmpl.Renders("slack"))
	require.True(t, tmpl.Renders("wecom"))
	require.False(t, tmpl.Renders("webhook"), "the plain webhook posts JSON")
	require.False(t, tmpl.Renders(notify.TypeEmail))
	r, err := tmpl.Render(sampleMsg("vip"), notify.RenderOptions{Platform: "slack"})
	require.NoError(t, err)
	require.Equal(t, "VIP 旧表单打点1", r.Text)

	_, err = receiver.Platforms().LoadTemplates(dir)
	require.ErrorContains(t, err, `vip.slack.tmpl:1: "slack" is not dingtalk, wecom or feishu`)

	wrong := slackPlatform()
	wrong.Templates = fstest.MapFS{"lead.wecom.tmpl": {Data: []byte("x")}}
	_, err = notify.Platforms{wrong}.LoadTemplates("")
	require.ErrorContains(t, err, "lead.wecom.tmpl:1: a wecom template among the slack platform's")
}

func TestNewWith(t *testing.T) {
	failing := notify.NewWith(func(string, *notify.ReceiverConfig, *notify.Templates, *slog.Logger, *http.Client) (*slack, error) {
		return nil, errors.New("bad url")
	})
	n, err := failing("r", &notify.ReceiverConfig{}, nil, nil, nil)
	require.EqualError(t, err, "bad url")
	require.Nil(t, n, "a nil Notifier, not a nil *slack in one")
	n, err = slackPlatform().New("r", &notify.ReceiverConfig{}, nil, nil, nil)
	require.NoError(t, err)
	require.IsType(t, &slack{}, n)
}
