package wecom

import (
	"embed"
	"net/url"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/route"
)

// Type is the receivers.X.type of WeCom group robots.
const Type = "wecom"

// shipped holds WeCom's shipped templates: lead, digest, summary,
// reminder and escalation.
//
//go:embed *.tmpl
var shipped embed.FS

// Platform declares WeCom robots to the registration (notify/receiver):
// markdown up to MaxMarkdown bytes (text, MaxText), 20 messages a minute
// (kept to 19), digests that start at 8 (a text digest, whose lines name
// the intention, route and assignee, is held to 2048 bytes), and
// report files up to MaxFile.
func Platform() notify.Platform {
	return notify.Platform{
		Type:      Type,
		New:       notify.NewWith(New),
		Templates: shipped,
		Limits:    notify.Limits{MaxBody: MaxMarkdown, PerMinute: 19, MaxDigest: 8, MaxFile: MaxFile},
		// markdown @s by userid; text by mobile (see byMobile)
		CanMention: func(m *route.Member) bool { return mention(m) != "" || mobile.MatchString(m.Mobile) },
		MentionBy:  "wecom_userid or mobile",
		Warn:       warn,
	}
}

// warn: the key= of the webhook is a WeCom robot's only credential.
func warn(cfg *notify.ReceiverConfig) []notify.ConfigWarning {
	u, err := url.Parse(cfg.URL.Reveal())
	if err == nil && u.Query().Get("key") == "" {
		return []notify.ConfigWarning{{Key: "url", Msg: "has no key=: a WeCom robot's webhook is " +
			"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY, as the robot's page shows it; without the key every message is refused"}}
	}
	return nil
}
