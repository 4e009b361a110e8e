package feishu

import (
	"embed"
	"net/url"
	"strings"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/route"
)

// Type is the receivers.X.type of Feishu / Lark custom bots.
const Type = "feishu"

// shipped holds Feishu's shipped templates: lead, digest, summary,
// reminder and escalation.
//
//go:embed *.tmpl
var shipped embed.FS

// Platform declares Feishu bots to the registration (notify/receiver):
// cards up to MaxBody bytes, 5 messages a second and 100 a minute (kept to
// 5 and 95), digests of 20, no files.
func Platform() notify.Platform {
	return notify.Platform{
		Type:       Type,
		New:        notify.NewWith(New),
		Templates:  shipped,
		Limits:     notify.Limits{MaxBody: MaxBody, PerMinute: 95, PerSecond: 5, MaxDigest: 20},
		CanMention: func(m *route.Member) bool { return mention(m) != "" },
		MentionBy:  "feishu_open_id",
		Warn:       warn,
	}
}

// warn: cluebot posts v2 messages; the old v1 hook takes another body.
func warn(cfg *notify.ReceiverConfig) []notify.ConfigWarning {
	u, err := url.Parse(cfg.URL.Reveal())
	if err == nil && strings.Contains(u.Path, "/open-apis/bot/hook/") {
		return []notify.ConfigWarning{{Key: "url", Msg: "is an old v1 hook (/open-apis/bot/hook/), which does not take " +
			"the messages cluebot sends: copy the bot's v2 webhook (/open-apis/bot/v2/hook/) from the group's bot settings"}}
	}
	return nil
}
