package notify

import (
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/cluebot/cluebot/route"
)

// Platform is what an integration (notify/dingtalk, notify/wecom, ...)
// declares about the receivers of its type: its type name, how to build a
// notifier, its shipped templates and its limits. The one registration,
// receiver.Platforms, lists one per integration; config validation,
// template loading, pacing, digest sizes and report delivery ask it instead
// of naming platforms.
type Platform struct {
	// Type is the receivers.X.type that selects the platform, and the TYPE
	// of its template files, NAME.TYPE.tmpl.
	Type string
	// New builds the notifier of one receiver of the type (see NewWith).
	New NewFunc
	// Templates holds the platform's shipped templates at its root:
	// lead.TYPE.tmpl, digest.TYPE.tmpl, summary.TYPE.tmpl, reminder.TYPE.tmpl
	// and escalation.TYPE.tmpl. It is nil for
	// a platform that renders none (the plain webhook posts JSON).
	Templates fs.FS
	Limits    Limits
	// CanMention reports whether the platform's messages can @ a
	// round-robin member; nil for a platform that @s no one (the plain
	// webhook posts the member's ids for its reader to use).
	CanMention func(m *route.Member) bool
	// MentionBy names the member keys CanMention reads, for a warning.
	MentionBy string
	// Warn returns what a receiver's settings had better change for its
	// robot to work (nil when nothing); nil for a platform with no such
	// checks. A warning never holds the URL or the secret.
	Warn func(cfg *ReceiverConfig) []ConfigWarning
}

// ConfigWarning is one thing a receiver's settings had better change: Key
// is the key under receivers.NAME (url, secret), Msg says why.
type ConfigWarning struct {
	Key, Msg string
}

// Limits are the limits of a platform's robots, as cluebot keeps to them.
type Limits struct {
	// MaxBody is the largest message, in bytes, as the platform counts it
	// (the request body, or the content of a WeCom message); 0 for none.
	MaxBody int
	// PerMinute and PerSecond are the send budget of one robot unless its
	// receiver sets per_minute or per_second; both zero leaves the
	// deliverer's default (20 a second).
	PerMinute int
	PerSecond int
	// MaxDigest is how many leads a digest starts with: as many as fit with
	// typical leads and the shipped templates. A digest that does not fit
	// is still split (a TooLarge error); zero leaves the deliverer's
	// default (20).
	MaxDigest int
	// MaxFile is the largest report file a robot takes itself (its notifier
	// is a FileSender), in bytes; 0 when it takes none and gets the daily
	// summary message instead.
	MaxFile int
}

// NewFunc builds the notifier of receiver name. A nil tmpl uses the
// platform's shipped templates, a nil logger discards and a nil client
// times out after DefaultTimeout.
type NewFunc func(name string, cfg *ReceiverConfig, tmpl *Templates, logger *slog.Logger, client *http.Client) (Notifier, error)

// NewWith makes an integration's constructor, which returns its own
// notifier type, a NewFunc (a failed New gives a nil Notifier, not a nil
// pointer in one).
func NewWith[N Notifier](newN func(string, *ReceiverConfig, *Templates, *slog.Logger, *http.Client) (N, error)) NewFunc {
	return func(name string, cfg *ReceiverConfig, tmpl *Templates, logger *slog.Logger, client *http.Client) (Notifier, error) {
		n, err := newN(name, cfg, tmpl, logger, client)
		if err != nil {
			return nil, err
		}
		return n, nil
	}
}

// Platforms are the platforms cluebot sends to, in the order they are
// listed (which error messages keep).
type Platforms []Platform

// Lookup returns the platform of type typ.
func (ps Platforms) Lookup(typ string) (Platform, bool) {
	for _, p := range ps {
		if p.Type == typ {
			return p, true
		}
	}
	return Platform{}, false
}

// Types returns the platforms' types, in order.
func (ps Platforms) Types() []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Type
	}
	return out
}

// oneOf lists words for an error message: "a, b or c".
func oneOf(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
