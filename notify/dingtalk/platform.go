package dingtalk

import (
	"embed"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/route"
)

// Type is the receivers.X.type of DingTalk robots.
const Type = "dingtalk"

// shipped holds DingTalk's shipped templates: lead, digest, summary,
// reminder and escalation.
//
//go:embed *.tmpl
var shipped embed.FS

// Platform declares DingTalk robots to the registration (notify/receiver):
// markdown up to MaxBody bytes, 20 messages a minute (kept to 19: one more
// silences the robot for 10 minutes), digests of 20, no files.
func Platform() notify.Platform {
	return notify.Platform{
		Type:       Type,
		New:        notify.NewWith(New),
		Templates:  shipped,
		Limits:     notify.Limits{MaxBody: MaxBody, PerMinute: 19, MaxDigest: 20},
		CanMention: func(m *route.Member) bool { return mention(m) != "" },
		MentionBy:  "mobile",
	}
}
