package store

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"time"
)

// AccountNameStore keeps names for accounts the vendor gives no name for,
// imported by `cluebot accounts import`.
type AccountNameStore interface {
	// SetAccountNames creates or replaces the names of the given accounts
	// in one transaction; other accounts keep theirs.
	SetAccountNames(ctx context.Context, names map[int64]string) error
	// AccountNames returns every stored name by advertiser id.
	AccountNames(ctx context.Context) (map[int64]string, error)
}

// NamesTTL is how long a Namer keeps the imported names before it reads
// them again: an import shows in a running daemon within this long.
const NamesTTL = 30 * time.Second

// Namer is the one home of an account's display name, used by `cluebot
// accounts`, the console, alerts, the daily report, exports, rules diffs
// and operator notices. A name is, first found: the YAML account's `name`,
// then `kuaishou.account_names`, then a name imported with `cluebot
// accounts import` (kept in the store); the vendor gives none, so an
// account with none of them is shown by its id. It is safe for concurrent
// use.
type Namer struct {
	fixed map[int64]string // from cluebot.yaml, precedence applied
	st    AccountNameStore // nil: no imported names
	now   func() time.Time

	mu    sync.Mutex
	names map[int64]string // fixed over imported, as last read
	read  time.Time        // when the imported names were read; zero: never
}

// NewNamer returns the Namer of the YAML accounts' names (yaml), the names
// of kuaishou.account_names (listed) and the names imported into st (nil:
// none). now is the clock (nil: time.Now).
func NewNamer(yaml, listed map[int64]string, st AccountNameStore, now func() time.Time) *Namer {
	if now == nil {
		now = time.Now
	}
	fixed := make(map[int64]string, len(yaml)+len(listed))
	for _, m := range []map[int64]string{listed, yaml} { // later wins
		for id, n := range m {
			if n != "" {
				fixed[id] = n
			}
		}
	}
	return &Namer{fixed: fixed, st: st, now: now, names: fixed}
}

// Names returns every account's name by advertiser id; the map is shared
// and must not be changed. Imported names are read from the store when the
// last reading is older than NamesTTL (one query for every account). When
// that fails, the error comes with the names of the last good reading (at
// first those of cluebot.yaml), so a caller that must go on can.
func (n *Namer) Names(ctx context.Context) (map[int64]string, error) {
	if n == nil {
		return nil, nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.st == nil || (!n.read.IsZero() && n.now().Sub(n.read) < NamesTTL) {
		return n.names, nil
	}
	imported, err := n.st.AccountNames(ctx)
	if err != nil {
		return n.names, fmt.Errorf("read the imported account names: %w", err)
	}
	merged := make(map[int64]string, len(imported)+len(n.fixed))
	maps.Copy(merged, imported)
	maps.Copy(merged, n.fixed)
	n.names, n.read = merged, n.now()
	return merged, nil
}

// Label shows an account in words for people: "名称(ID)", or the id alone
// when it has no name.
func Label(names map[int64]string, id int64) string {
	if n := names[id]; n != "" {
		return fmt.Sprintf("%s(%d)", n, id)
	}
	return fmt.Sprint(id)
}
