package receiver_test

import (
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/dingtalk"
	"github.com/cluebot/cluebot/notify/feishu"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/notify/webhook"
	"github.com/cluebot/cluebot/notify/wecom"
)

func TestBuild(t *testing.T) {
	tests := []struct {
		typ  string
		want any
		err  string
	}{
		{typ: dingtalk.Type, want: &dingtalk.Notifier{}},
		{typ: wecom.Type, want: &wecom.Notifier{}},
		{typ: feishu.Type, want: &feishu.Notifier{}},
		{typ: webhook.Type, want: &webhook.Notifier{}},
		{typ: notify.TypeEmail, err: "receiver r: email receivers only take report files, not alerts"},
		{typ: "slack", err: `receiver r: unknown type "slack"`},
	}
	for _, tc := range tests {
		t.Run(tc.typ, func(t *testing.T) {
			cfg := notify.ReceiverConfig{Type: tc.typ, URL: "https://example.com/x/send?key=k"}
			n, err := receiver.Build("r", &cfg, receiver.Platforms().DefaultTemplates(), slog.Default(), http.DefaultClient)
			if tc.err != "" {
				require.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.IsType(t, tc.want, n)
			_, ok := n.(receiver.Previewer)
			require.True(t, ok, "every notifier can preview its body")
		})
	}
	_, err := receiver.Build("r", &notify.ReceiverConfig{Type: dingtalk.Type, URL: "nope"}, nil, nil, nil)
	require.ErrorContains(t, err, "receiver r: url: not an http(s) URL")
	_, err = receiver.Build("r", nil, nil, nil, nil)
	require.Error(t, err)
}

func TestMaxDigestFits(t *testing.T) {
	e := newEnv(t)
	for _, typ := range append(platforms, webhook.Type) {
		t.Run(typ, func(t *testing.T) {
			msg := &notify.Message{Receiver: typ}
			for i := range receiver.MaxDigest(typ) {
				msg.Alerts = append(msg.Alerts, digestAlert(i))
			}
			_, err := e.notifiers[typ].Notify(context.Background(), msg)
			require.NoError(t, err, "a digest of MaxDigest typical leads fits")
		})
	}
}

func TestEveryPlatformWithTheSimulator(t *testing.T) {
	e := newEnv(t)
	for typ, n := range e.notifiers {
		t.Run(typ, func(t *testing.T) {
			_, err := n.Notify(context.Background(), &notify.Message{Receiver: typ, Alerts: lead(sampleAlert)})
			require.NoError(t, err)
			got := e.sim.Render(e.last(t, typ))
			require.Contains(t, got, "旧表单打点1")
			if typ != webhook.Type {
				require.Contains(t, got, "@张三", "the phone shows the mention by name")
				require.Contains(t, got, "155", "the masked phone")
			}
		})
	}
}
