// Package receiver is the one place that knows every integration: Platforms
// is their registration, and Build makes a configured receiver's notifier.
package receiver

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/dingtalk"
	"github.com/cluebot/cluebot/notify/feishu"
	"github.com/cluebot/cluebot/notify/webhook"
	"github.com/cluebot/cluebot/notify/wecom"
)

// Platforms returns every platform cluebot sends alerts to, as each
// integration declares itself (its type, constructor, shipped templates and
// limits). Adding a robot type is its folder, notify/NAME with a Platform
// function, and its line here.
func Platforms() notify.Platforms {
	return notify.Platforms{
		dingtalk.Platform(),
		wecom.Platform(),
		feishu.Platform(),
		webhook.Platform(),
	}
}

// Build returns the notifier for receiver name of cfg.Type. email receivers
// are refused: they only take report files, which are mailed elsewhere. A
// nil tmpl uses the platform's shipped templates, a nil logger discards and
// a nil client times out after notify.DefaultTimeout.
func Build(name string, cfg *notify.ReceiverConfig, tmpl *notify.Templates, logger *slog.Logger, client *http.Client) (notify.Notifier, error) {
	if cfg == nil {
		return nil, errors.New("no receiver config")
	}
	p, ok := Platforms().Lookup(cfg.Type)
	switch {
	case ok:
	case cfg.Type == notify.TypeEmail:
		return nil, fmt.Errorf("receiver %s: email receivers only take report files, not alerts", name)
	default:
		return nil, fmt.Errorf("receiver %s: unknown type %q", name, cfg.Type)
	}
	n, err := p.New(name, cfg, tmpl, logger, client)
	if err != nil {
		return nil, fmt.Errorf("receiver %s: %w", name, err)
	}
	return n, nil
}

// Previewer is a notifier that can show the body it would post for a
// message without sending it (every notifier Build returns is one).
type Previewer interface {
	Body(msg *notify.Message) ([]byte, error)
}

// MaxDigest is how many leads one digest for a receiver of type typ should
// carry: its platform's Limits.MaxDigest, 0 (the deliverer's default) for
// an unknown type. It is a starting size: Notify still returns a TooLarge
// *notify.Error for a digest that does not fit (long fields, a bigger
// template, WeCom's 2048-byte text messages), and the caller splits.
func MaxDigest(typ string) int {
	p, _ := Platforms().Lookup(typ)
	return p.Limits.MaxDigest
}
