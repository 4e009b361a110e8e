package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"

	"github.com/jonboulle/clockwork"

	"github.com/cluebot/cluebot/marklink"
	"github.com/cluebot/cluebot/store"
)

// newMarkLinks returns the signer of mark links under console.base_url,
// with the key kept in the store (made by the first instance to ask).
func newMarkLinks(ctx context.Context, baseURL string, st store.Store) (*marklink.Signer, error) {
	ml, ok := st.(store.MarkLinks)
	if !ok {
		return nil, fmt.Errorf("mark links: store %T cannot keep their key", st)
	}
	candidate := make([]byte, store.MarkLinkKeySize)
	if _, err := rand.Read(candidate); err != nil {
		return nil, fmt.Errorf("mark links: make key: %w", err)
	}
	key, err := ml.MarkLinkKey(ctx, candidate)
	if err != nil {
		return nil, err
	}
	return marklink.NewSigner(key, baseURL, clockwork.NewRealClock())
}

// MarkMembers returns who may mark a lead that took routes: the names in
// those routes' round-robin lists under the rules in force, each once.
func (a *App) MarkMembers(routes []string) []string {
	var names []string
	for _, rt := range a.Live().Rules.Routes {
		if !slices.Contains(routes, rt.Name) {
			continue
		}
		for _, m := range rt.Mention.RoundRobin {
			if !slices.Contains(names, m.Name) {
				names = append(names, m.Name)
			}
		}
	}
	return names
}

// MarkHandler returns the handler of the mark links (/m/) under the rules
// in force, or nil unless console.base_url is set.
func (a *App) MarkHandler() *marklink.Handler {
	if a.MarkLinks == nil {
		return nil
	}
	return &marklink.Handler{Signer: a.MarkLinks, Store: a.Store, Members: a.MarkMembers,
		Zone: a.Config.Location, Log: a.Log.With("component", "mark-link")}
}
