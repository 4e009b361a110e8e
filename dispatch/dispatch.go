// Package dispatch moves leads from the store to the chat robots: the
// Router routes newly stored clues by rules.yaml and enqueues their alerts in
// the store's outbox, in one transaction per clue; the Deliverer sends due
// alerts, paced per receiver, as single alerts or digests, retrying
// transient failures and parking permanent ones.
package dispatch

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// Leads turns stored clues into leads with the current rules' field mapping.
type Leads struct {
	// Zone is the configured time zone.
	Zone *time.Location
	// AccountNames gives the accounts' names of the moment (a store.Namer's
	// Names); nil: none.
	AccountNames func() map[int64]string
	// Rules holds the current rules; swapped atomically on reload.
	Rules *atomic.Pointer[route.Rules]
}

// Options returns the lead options of the moment: the zone, the account
// names and the current rules' field mapping.
func (l *Leads) Options() transform.Options {
	opts := transform.Options{Zone: l.Zone}
	if l.AccountNames != nil {
		opts.AccountNames = l.AccountNames()
	}
	if r := l.Rules.Load(); r != nil {
		opts.Fields = r.Fields
	}
	return opts
}

// Lead builds a stored clue's lead by transform.FromStored. A clue whose
// raw JSON no longer decodes is an error: an alert is not sent from the
// stored columns alone.
func (l *Leads) Lead(c *store.Clue) (transform.Lead, error) {
	lead, err := transform.FromStored(c, l.Options())
	if err != nil {
		return transform.Lead{}, err
	}
	return lead, nil
}

// storeRotation persists round-robin turns in the store, shared by every
// instance using it.
type storeRotation struct{ st Rotator }

// Rotator is the store's round-robin method.
type Rotator interface {
	NextRotation(ctx context.Context, route string, members int) (int, error)
}

func (r storeRotation) Next(ctx context.Context, name string, members int) (int, error) {
	return r.st.NextRotation(ctx, name, members)
}

// RotationOf adapts the store to route.Rotation.
func RotationOf(st Rotator) route.Rotation { return storeRotation{st} }
