package store

import "context"

// MarkLinkKeySize is the length in bytes of the key that signs mark links.
const MarkLinkKeySize = 32

// MarkLinks keeps the key that signs the mark links alerts carry, so that
// every instance sharing the store signs and checks links alike.
type MarkLinks interface {
	// MarkLinkKey returns the stored mark-link key. When none is stored
	// yet it stores candidate and returns it; when two instances race, both
	// get the one stored first. A candidate of the wrong size is an error.
	MarkLinkKey(ctx context.Context, candidate []byte) ([]byte, error)
}
