package dingtalk

import (
	"embed"
	"strings"

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
		Warn:       warn,
	}
}

// warn: a signing secret is the whole string DingTalk shows, SEC and all;
// one without it signs every message wrongly (310000 sign not match).
func warn(cfg *notify.ReceiverConfig) []notify.ConfigWarning {
	if s := cfg.Secret.Reveal(); s != "" && !strings.HasPrefix(s, "SEC") {
		return []notify.ConfigWarning{{Key: "secret", Msg: "does not start with SEC: a DingTalk signing secret (加签) " +
			"is the whole string the robot's page shows, SEC included; with another, every message is refused (sign not match)"}}
	}
	return nil
}
