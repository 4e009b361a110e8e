// Package dispatch moves leads from the store to the chat robots: the
// Router routes newly stored clues by rules.yaml and enqueues their alerts in
// the store's outbox, in one transaction per clue; the Deliverer sends due
// alerts, paced per receiver, as single alerts or digests, retrying
// transient failures and parking permanent ones.
package dispatch

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// Leads turns stored clues into leads with the current rules' field mapping.
type Leads struct {
	// Zone is the configured time zone.
	Zone *time.Location
	// AccountNames names the configured accounts.
	AccountNames map[int64]string
	// Rules holds the current rules; swapped atomically on reload.
	Rules *atomic.Pointer[route.Rules]
}

// Lead decodes a stored clue into a lead.
func (l *Leads) Lead(c *store.Clue) (transform.Lead, error) {
	fc, err := clue.Decode(c.Raw)
	if err != nil {
		return transform.Lead{}, fmt.Errorf("decode stored clue %s: %w", c.ID, err)
	}
	if fc.AdvertiserID == 0 {
		fc.AdvertiserID = c.AdvertiserID
	}
	opts := transform.Options{Zone: l.Zone, AccountName: l.AccountNames[c.AdvertiserID]}
	if r := l.Rules.Load(); r != nil {
		opts.Fields = r.Fields
	}
	return transform.New(&fc, opts), nil
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
