package store

import "context"

// AccountNameStore keeps names for accounts the vendor gives no name for,
// imported by `cluebot accounts import`.
type AccountNameStore interface {
	// SetAccountNames creates or replaces the names of the given accounts
	// in one transaction; other accounts keep theirs.
	SetAccountNames(ctx context.Context, names map[int64]string) error
	// AccountNames returns every stored name by advertiser id.
	AccountNames(ctx context.Context) (map[int64]string, error)
}
