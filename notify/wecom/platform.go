package wecom

import (
	"embed"

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
	}
}
