package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/transform"
)

// cmdNotify implements `cluebot notify test --receiver NAME`: one sample
// alert, sent for real, to check a robot's URL, signature and keyword.
func cmdNotify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "test" {
		return usageErr("usage: cluebot notify test -c cluebot.yaml --receiver NAME")
	}
	fs, cfgPath := newFlags("notify test", stderr)
	name := fs.String("receiver", "", "the receiver to send a sample alert to (required)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	rc, ok := cfg.Receivers[*name]
	if !ok {
		return usageErr("--receiver: %q is not in receivers: of %s", *name, cfg.File)
	}
	tmpl, err := receiver.Platforms().LoadTemplates(cfg.Templates)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	n, err := receiver.Build(*name, &rc, tmpl, newLogger(cfg, stderr), nil)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	msg := &notify.Message{Receiver: *name, Alerts: []notify.Alert{{Lead: sampleLead(cfg.Location), Route: "cluebot-test"}}}
	if _, err := n.Notify(ctx, msg); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	fmt.Fprintf(stdout, "sent a sample alert to %s (%s)\n", *name, rc.Type)
	return nil
}

// sampleLead is the made-up lead of a test alert.
func sampleLead(zone *time.Location) transform.Lead {
	now := time.Now().In(zone)
	return transform.Lead{
		ID: "0", UserName: "测试线索（cluebot notify test）", Phone: "13800000000", PhoneMasked: transform.Mask("13800000000"),
		PageName: "cluebot 测试落地页", SourceType: 1, SourceTypeLabel: "表单", IntentionLabel: "未标记",
		City: "郑州", Store: "测试门店", CreateTime: now, UpdateTime: now,
		Answers: []transform.Answer{{Label: "留言", Value: "这是一条测试消息，可以忽略。", Type: "文本"}},
	}
}
