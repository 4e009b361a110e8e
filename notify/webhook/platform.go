package webhook

import "github.com/cluebot/cluebot/notify"

// Type is the receivers.X.type of plain webhooks.
const Type = "webhook"

// Platform declares plain webhooks to the registration (notify/receiver):
// JSON without templates or a size limit, 20 messages a second, digests of
// 50, no files.
func Platform() notify.Platform {
	return notify.Platform{
		Type:   Type,
		New:    notify.NewWith(New),
		Limits: notify.Limits{PerSecond: 20, MaxDigest: 50},
	}
}
