// Package store defines where cluebot keeps clues, sync state and tokens, and
// the interface every backend (store/sqlite, store/postgres) implements. The
// contract is pinned down by the shared suite in store/storetest.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cluebot/cluebot/secret"
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// Clue is one stored clue: the vendor's raw JSON and the normalized columns
// that routing and reports filter and sort on. ID is the vendor's opaque
// decimal id; times are absolute instants.
type Clue struct {
	ID           string
	AdvertiserID int64
	CreateTime   time.Time
	UpdateTime   time.Time
	IntentionID  int64
	PhoneStat    int64
	ScheduleID   int64
	ClueTag      int64
	SourceType   int64
	PageID       string
	PageName     string
	UserName     string
	Phone        string
	Province     string
	City         string
	Store        string
	Raw          []byte

	// Set by the store.
	FirstSeen   time.Time
	LastUpdated time.Time

	// Routing, set by SaveRouting; read back by Clue and IterateClues.
	RoutedAt  time.Time // zero: not routed yet
	Routes    []string  // the routes taken, in rule order; empty when unrouted
	Assignees []string  // the on-duty member of each route ("" for none), parallel to Routes
	// Delivery counts of the clue's outbox rows by state.
	Sent, Pending, Dead int
}

// Unrouted reports whether the clue was routed and no route took it.
func (c *Clue) Unrouted() bool { return !c.RoutedAt.IsZero() && len(c.Routes) == 0 }

// Changed reports whether other differs from c in a way that is tracked in the
// clue's history: update_time or a status (intention, phone_stat, schedule).
func (c *Clue) Changed(other *Clue) bool {
	return !c.UpdateTime.Equal(other.UpdateTime) || c.IntentionID != other.IntentionID ||
		c.PhoneStat != other.PhoneStat || c.ScheduleID != other.ScheduleID
}

// HistoryEntry records the tracked values a clue had before an update.
type HistoryEntry struct {
	ClueID      string
	ChangedAt   time.Time // when cluebot saw the change
	UpdateTime  time.Time // the previous update_time
	IntentionID int64
	PhoneStat   int64
	ScheduleID  int64
}

// UpsertStats counts what an upsert did.
type UpsertStats struct {
	Inserted  int
	Updated   int // tracked change: row updated and a history row written
	Unchanged int // already stored as is (raw JSON refreshed if it differs)
}

// Add accumulates o into s.
func (s *UpsertStats) Add(o UpsertStats) {
	s.Inserted += o.Inserted
	s.Updated += o.Updated
	s.Unchanged += o.Unchanged
}

// Total is the number of clues the upsert saw.
func (s UpsertStats) Total() int { return s.Inserted + s.Updated + s.Unchanged }

// ClueFilter selects clues by create_time, the vendor's collection time, in
// [From, To) (by first_seen with ByFirstSeen). A zero bound is open.
// AdvertiserID, when non-zero, limits the selection to one account.
type ClueFilter struct {
	From, To     time.Time
	AdvertiserID int64
	// ByFirstSeen makes From and To bound when cluebot stored the clue
	// (Clue.FirstSeen) instead of its create_time, and iterations read in
	// first_seen then id order: a rules replay covers the leads stored in
	// its window, however late they were pulled or backfilled.
	ByFirstSeen bool
}

// SyncState is the incremental-sync position of one advertiser account.
// SyncedTo only ever moves to the end of a window whose every page is stored.
type SyncState struct {
	AdvertiserID  int64
	SyncedTo      time.Time // zero: never synced
	LastRunAt     time.Time
	LastSuccessAt time.Time
	LastError     string
}

// Token is an account's OAuth token pair. The refresh token rotates on every
// refresh, so the new pair is saved before the new access token is used.
// Seed fingerprints the tokens the operator configured, so a re-authorised
// account's new config tokens win over the stored, older rotation.
type Token struct {
	AdvertiserID     int64
	AccessToken      secret.String
	RefreshToken     secret.String
	AccessExpiresAt  time.Time // zero: unknown
	RefreshExpiresAt time.Time
	Seed             string
	UpdatedAt        time.Time
}

// Store is cluebot's persistence. Implementations are safe for concurrent use.
type Store interface {
	// UpsertClues stores each clue once by id in one transaction: new ids are
	// inserted; a tracked change updates the row and appends a history entry.
	UpsertClues(ctx context.Context, clues []Clue) (UpsertStats, error)
	// Clue returns one clue by id, or ErrNotFound.
	Clue(ctx context.Context, id string) (Clue, error)
	// ClueHistory returns a clue's history entries, oldest first.
	ClueHistory(ctx context.Context, id string) ([]HistoryEntry, error)
	// IterateClues calls fn for each clue matching f, ordered by create_time
	// then id, without loading them all into memory. fn must not keep c.
	IterateClues(ctx context.Context, f ClueFilter, fn func(c *Clue) error) error
	// IterateRoutingRows is IterateClues reading only the columns a lead is
	// routed by: ID, AdvertiserID, CreateTime, Province, City, Store and Raw.
	// The rest of c stays zero, and c.Raw is valid only until fn returns.
	// For readers that route every clue and keep none.
	IterateRoutingRows(ctx context.Context, f ClueFilter, fn func(c *Clue) error) error
	// CountClues counts the clues matching f.
	CountClues(ctx context.Context, f ClueFilter) (int, error)
	// CountClueGroups counts the clues matching f by each column of by and
	// by routing, with GROUP BY in the store: a report's comparison days
	// cost a row per value, not a read of every clue. A clue is in one
	// group of each column; groups come in no particular order.
	CountClueGroups(ctx context.Context, f ClueFilter, by ...GroupBy) ([]ClueGroup, error)

	// SyncState returns an account's sync state, or ErrNotFound.
	SyncState(ctx context.Context, advertiserID int64) (SyncState, error)
	// SaveSyncState creates or replaces an account's sync state.
	SaveSyncState(ctx context.Context, s SyncState) error

	// Token returns an account's stored token, or ErrNotFound.
	Token(ctx context.Context, advertiserID int64) (Token, error)
	// SaveToken durably creates or replaces an account's token.
	SaveToken(ctx context.Context, t Token) error

	Router
	Authorizations
	Resealer
	AccountActivities
	AccountNameStore
	Console
	Followups

	// Ping checks that the store is reachable.
	Ping(ctx context.Context) error
	// Close releases the store.
	Close() error
}

// Shared is implemented by a store that several cluebot instances may use
// at once (store/postgres). The daemon then leases each account's pulls to
// one instance and polls adaptively; a store without it belongs to one
// instance, which pulls every account every poll_interval.
type Shared interface {
	// SharedByInstances marks the store as shared; it does nothing.
	SharedByInstances()
}

// drivers are the backends store.driver may name, in the order errors list
// them; fileDSN says the backend's DSN is a file path, which a config
// resolves against its own directory.
var drivers = []struct {
	name    string
	fileDSN bool
}{{"sqlite", true}, {"postgres", false}}

// Config selects and configures the store (cluebot.yaml `store:`).
type Config struct {
	Driver    string        `koanf:"driver"`
	DSN       string        `koanf:"dsn"`
	Retention time.Duration `koanf:"retention"` // 0 keeps clues forever
	// KeyFile names a file holding the keys that seal tokens at rest, as
	// secret.KeyEnv does (which wins when set); relative to the config
	// file. Empty, with no KeyEnv, stores tokens unsealed.
	KeyFile string `koanf:"key_file"`
}

// DSNIsPath reports whether the driver's DSN is a file path (sqlite), to be
// resolved against the config file's directory when relative.
func (c Config) DSNIsPath() bool {
	for _, d := range drivers {
		if d.name == c.Driver {
			return d.fileDSN
		}
	}
	return false
}

// postgresDSN reports whether dsn can be a PostgreSQL DSN: a postgres://
// or postgresql:// URL, or key=value pairs.
func postgresDSN(dsn string) bool {
	lower := strings.ToLower(strings.TrimSpace(dsn))
	return strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://") || strings.Contains(dsn, "=")
}

// Validate checks the store config.
func (c Config) Validate() error {
	names := make([]string, len(drivers))
	known := false
	for i, d := range drivers {
		names[i] = d.name
		known = known || d.name == c.Driver
	}
	if !known {
		return fmt.Errorf("store.driver: %q is not one of %s", c.Driver, strings.Join(names, ", "))
	}
	if c.DSN == "" {
		return errors.New("store.dsn: must be set")
	}
	if c.Driver == "postgres" && !postgresDSN(c.DSN) {
		// not quoted: a malformed DSN may still hold a password
		return errors.New("store.dsn: is neither a postgres:// URL nor key=value pairs (a file path is for sqlite): give a URL like " +
			"postgres://cluebot@127.0.0.1:5432/cluebot?sslmode=disable, or key=value pairs like host=127.0.0.1 dbname=cluebot")
	}
	if c.Retention < 0 {
		return errors.New("store.retention: must not be negative")
	}
	if c.KeyFile != "" && strings.TrimSpace(c.KeyFile) != c.KeyFile {
		return fmt.Errorf("store.key_file: %q has spaces around it", c.KeyFile)
	}
	return nil
}
