// Package receiver builds the notifier of a configured receiver: the one
// place that knows every integration.
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

// Build returns the notifier for receiver name of cfg.Type. email receivers
// are refused: they only take report files, which are mailed elsewhere. A
// nil tmpl uses the shipped templates, a nil logger discards and a nil
// client times out after notify.DefaultTimeout.
func Build(name string, cfg *notify.ReceiverConfig, tmpl *notify.Templates, logger *slog.Logger, client *http.Client) (notify.Notifier, error) {
	if cfg == nil {
		return nil, errors.New("no receiver config")
	}
	var (
		n   notify.Notifier
		err error
	)
	switch cfg.Type {
	case notify.TypeDingTalk:
		n, err = dingtalk.New(name, cfg, tmpl, logger, client)
	case notify.TypeWeCom:
		n, err = wecom.New(name, cfg, tmpl, logger, client)
	case notify.TypeFeishu:
		n, err = feishu.New(name, cfg, tmpl, logger, client)
	case notify.TypeWebhook:
		n, err = webhook.New(name, cfg, tmpl, logger, client)
	case notify.TypeEmail:
		return nil, fmt.Errorf("receiver %s: email receivers only take report files, not alerts", name)
	default:
		return nil, fmt.Errorf("receiver %s: unknown type %q", name, cfg.Type)
	}
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
// carry: as many as fit the platform's size limit with typical leads and
// the shipped templates. It is a starting size: Notify still returns a
// TooLarge *notify.Error for a digest that does not fit (long fields, a
// bigger template, WeCom's 2048-byte text messages), and the caller splits.
func MaxDigest(typ string) int {
	switch typ {
	case notify.TypeWeCom:
		return 10
	case notify.TypeWebhook:
		return 50
	}
	return 20
}
