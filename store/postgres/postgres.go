// Package postgres is cluebot's shared store: PostgreSQL through pgx's
// connection pool, for several cluebot instances working on one database.
//
// It keeps the semantics of store/sqlite, pinned by store/storetest, and
// replaces SQLite's single writer with row locks: outbox claims take rows
// FOR UPDATE SKIP LOCKED under a lease, round-robin turns advance in one
// INSERT … ON CONFLICT statement, a robot's send slots are taken under a
// transaction advisory lock on its name, and upserts lock the rows they
// change in id order, so concurrent writers neither lose updates nor
// deadlock. TryLock gives singleton jobs a lock across instances.
//
// Schema decisions:
//   - Ids are TEXT COLLATE "C", so that ordering by (create_time, id)
//     compares bytes as SQLite does, and the indexes serve that order.
//   - Times are timestamptz truncated to the millisecond, SQLite's
//     precision, and read back in UTC. The zero time.Time is stored as
//     '-infinity': like SQLite's 0 it sorts before every instant and stays
//     NOT NULL, so "not routed", "not sent" and "unleased" are plain
//     comparisons. Unlike SQLite, 1970-01-01T00:00:00Z itself round-trips.
//   - Raw clue JSON is bytea, kept byte for byte; jsonb would reorder keys
//     and normalize numbers. Query it with convert_from(raw, 'UTF8')::jsonb.
//   - A clue's routes and assignees are text[] (NULL: none), so names need
//     no separator.
//   - A clue's outbox counts are kept by statement-level triggers on the
//     outbox that lock the affected clues in id order.
//
// The store needs session-level connections (no transaction pooling): each
// connection keeps a temporary table for bulk upserts, and TryLock holds a
// session advisory lock.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/sqlstore"
)

var (
	_ store.Store  = (*Store)(nil)
	_ store.Shared = (*Store)(nil)
)

// Options configures a Store. The zero value is ready to use.
type Options struct {
	// Now is the clock for FirstSeen, LastUpdated and history entries;
	// nil means time.Now.
	Now func() time.Time
	// Keys seals tokens at rest; nil or empty stores them as given.
	Keys *secret.Ring
	// Logger receives migration and lock-release messages; nil discards
	// them.
	Logger *slog.Logger
	// Schema, when set, is the only schema on every connection's
	// search_path, so that the store's tables live there (tests use a fresh
	// schema each). It must exist. Without it the DSN's search_path, or the
	// server's default, applies; a DSN may also carry search_path=….
	Schema string
}

// Store is the PostgreSQL implementation of store.Store. It is safe for
// concurrent use, also by several processes sharing the database.
type Store struct {
	sqlstore.Common // the methods whose statements store/sqlite shares

	pool *pgxpool.Pool
	now  func() time.Time
	log  *slog.Logger
	keys *secret.Ring // seals tokens at rest

	mu    sync.Mutex
	locks map[*pgx.Conn]struct{} // connections holding TryLock locks

	health store.WriteHealth

	closeOnce sync.Once
}

// Open connects to the database at dsn, a postgres:// URL or key=value
// string, and migrates the schema to the latest version. Several processes
// may open the same database at once: the migrations run once.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	cfg, err := poolConfig(dsn, opts.Schema)
	if err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	s, err := newStore(ctx, cfg, opts)
	if err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	if err := migrate(ctx, s.pool, migrations, opts.Logger); err != nil {
		s.pool.Close()
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	return s, nil
}

// newStore connects a store with the pool config cfg, watching its writes,
// without migrating.
func newStore(ctx context.Context, cfg *pgxpool.Config, opts Options) (*Store, error) {
	s := &Store{now: opts.Now, log: opts.Logger, keys: opts.Keys, locks: map[*pgx.Conn]struct{}{}}
	s.health.Now = opts.Now
	cfg.ConnConfig.Tracer = writeTracer{&s.health}
	var err error
	if s.pool, err = connect(ctx, cfg); err != nil {
		return nil, err
	}
	s.Common = sqlstore.NewCommon(dialect, conn{s.pool}, conn{s.pool}, s.tx, s.updateOutbox, opts.Keys)
	s.Common.SetDurable(s.durable, opts.Now)
	return s, nil
}

// poolConfig reads dsn into a pool config with only schema on the
// search_path if it is set.
func poolConfig(dsn, schema string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	if schema != "" {
		cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{schema}.Sanitize()
	}
	cfg.AfterConnect = createBatchTable
	return cfg, nil
}

// newPool connects a pool to dsn, with only schema on the search_path if it
// is set, and checks that one connection can be made.
func newPool(ctx context.Context, dsn, schema string) (*pgxpool.Pool, error) {
	cfg, err := poolConfig(dsn, schema)
	if err != nil {
		return nil, err
	}
	return connect(ctx, cfg)
}

// connect opens a pool with cfg and checks that one connection can be made.
func connect(ctx context.Context, cfg *pgxpool.Config) (*pgxpool.Pool, error) {
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// Ping checks that the database is reachable.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping postgres store: %w", err)
	}
	return nil
}

// Close releases the locks TryLock holds and closes the pool, waiting for
// connections in use to be returned. Calling it again does nothing.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		conns := s.locks
		s.locks = nil
		s.mu.Unlock()
		for conn := range conns {
			s.release(conn)
		}
		s.pool.Close()
	})
	return nil
}

// inTx runs fn in a transaction, committing if fn returns nil and rolling
// back otherwise.
func (s *Store) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }() // a no-op once committed
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// SharedByInstances implements store.Shared: instances on one database
// share it.
func (*Store) SharedByInstances() {}

// errClosed reports a call on a closed store.
var errClosed = errors.New("store is closed")
