package dispatch

import (
	"time"

	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/store"
)

// otherKinds returns the tail of claimed items that cannot share a message
// with the first: rows of another kind, and every row after a reminder's
// first (a reminder is of one lead). The items are ordered as claimed.
func otherKinds(items []store.OutboxItem) []store.OutboxItem {
	if len(items) == 0 {
		return nil
	}
	kind := items[0].Kind
	if kind == store.KindReminder {
		return items[1:]
	}
	n := 1
	for n < len(items) && items[n].Kind == kind {
		n++
	}
	// Rows of the first kind further on wait too: the message keeps the
	// claimed order's leading run, the rest is released whole.
	return items[n:]
}

// late is how long the lead of a follow-up row has gone without a
// follow-up, by its route's followup: within for a reminder, escalate.after
// for an escalation; zero when the rules no longer say.
func late(rules *route.Rules, it *store.OutboxItem) time.Duration {
	if rules == nil {
		return 0
	}
	rt := rules.ByName(it.Route)
	if rt == nil || rt.Followup == nil {
		return 0
	}
	if it.Kind == store.KindEscalation && rt.Followup.Escalate != nil {
		return rt.Followup.Escalate.After
	}
	return rt.Followup.Within
}
