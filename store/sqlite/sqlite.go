// Package sqlite is cluebot's embedded store: one SQLite file opened with the
// pure-Go driver modernc.org/sqlite, so the binary needs no cgo.
//
// SQLite allows one writer at a time, so a Store keeps two pools. The write
// pool has a single connection whose transactions BEGIN IMMEDIATE: they take
// the write lock up front rather than failing with SQLITE_BUSY when a read
// upgrades to a write. The read pool has several query-only connections that,
// in WAL mode, read a consistent snapshot while a write is in progress.
//
// Times are stored as INTEGER unix milliseconds: an instant round-trips
// exactly to the millisecond (finer digits are truncated) and reads back in
// UTC. The zero time.Time is stored as 0, so the instant 1970-01-01T00:00:00Z
// itself would read back as the zero time.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/sqlstore"
)

var (
	_ store.Store      = (*Store)(nil)
	_ store.WriteBacks = (*Store)(nil) // from sqlstore.Common
)

// Options configures a Store. The zero value is ready to use.
type Options struct {
	// Now is the clock for FirstSeen, LastUpdated and history entries;
	// nil means time.Now.
	Now func() time.Time
	// Keys seals tokens at rest; nil or empty stores them as given.
	Keys *secret.Ring
	// Logger receives migration and maintenance messages; nil discards them.
	Logger *slog.Logger
}

// Store is the SQLite implementation of store.Store. It is safe for
// concurrent use.
type Store struct {
	sqlstore.Common // the methods whose statements store/postgres shares

	write *sql.DB // one connection, transactions BEGIN IMMEDIATE
	read  *sql.DB // several query-only connections
	now   func() time.Time
	log   *slog.Logger
	path  string       // the database file, absolute
	keys  *secret.Ring // seals tokens at rest

	health         store.WriteHealth
	lastCheckpoint atomic.Int64 // unix nanoseconds of the last try

	closeOnce sync.Once
	closeErr  error
}

// Open opens (creating if needed) the database file at path and migrates its
// schema to the latest version. The file is created with mode 0600 and a
// missing parent directory with 0700; an existing file is chmodded to 0600.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	abs, fresh, err := prepareFile(path)
	if err != nil {
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}
	if fresh {
		if err := initFile(ctx, abs); err != nil {
			return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
		}
	}
	write, err := openPool(ctx, dsn(abs, false), 1)
	if err != nil {
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}
	if err := migrate(ctx, write, migrations, opts.Logger); err != nil {
		return nil, errors.Join(fmt.Errorf("open sqlite store %s: %w", path, err), write.Close())
	}
	read, err := openPool(ctx, dsn(abs, true), max(4, runtime.NumCPU()))
	if err != nil {
		return nil, errors.Join(fmt.Errorf("open sqlite store %s: %w", path, err), write.Close())
	}
	s := &Store{write: write, read: read, now: opts.Now, log: opts.Logger, path: abs, keys: opts.Keys}
	s.Common = sqlstore.NewCommon(dialect, conn{read}, writer{s}, s.tx, s.updateOutbox, opts.Keys)
	s.Common.SetDurable(s.durable, opts.Now)
	s.health.Now = opts.Now
	return s, nil
}

// prepareFile makes sure the database file exists with mode 0600, inside a
// directory created with 0700 if it was missing, and returns its absolute
// path and whether the database is brand new: an empty file and no WAL.
// Leftover -wal and -shm files are tightened to 0600 as well; SQLite gives
// new ones the database file's mode.
func prepareFile(path string) (abs string, fresh bool, err error) {
	if abs, err = filepath.Abs(path); err != nil {
		return "", false, err
	}
	dir := filepath.Dir(abs)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", false, err
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return "", false, err
		}
	} else if err != nil {
		return "", false, err
	}
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return "", false, err
	}
	fi, err := f.Stat()
	if err := errors.Join(err, f.Close()); err != nil {
		return "", false, err
	}
	fresh = fi.Size() == 0
	for _, p := range []string{abs, abs + "-wal", abs + "-shm"} {
		err := os.Chmod(p, 0o600)
		if p == abs+"-wal" && err == nil {
			fresh = false // a WAL may hold pages of an otherwise empty file
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", false, err
		}
	}
	return abs, fresh, nil
}

// pageSize is the page size of new databases. A clue row carries about
// 1.5 KB of raw JSON, so SQLite's default 4 KB page holds two; 16 KB pages
// make a bulk upsert split fewer pages and write fewer WAL frames, about
// 1.5x faster.
const pageSize = 16384

// initFile gives a brand-new database its page size and WAL mode, in that
// order: SQLite fixes the page size when it first writes the file and cannot
// change it in WAL mode, and the pools' DSN would switch to WAL first.
func initFile(ctx context.Context, abs string) error {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout))
	db, err := sql.Open("sqlite", fileURI(abs, q))
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1) // both pragmas on the same connection
	for _, pragma := range []string{fmt.Sprintf("PRAGMA page_size = %d", pageSize), "PRAGMA journal_mode = WAL"} {
		if _, err := db.ExecContext(ctx, pragma); err != nil {
			return errors.Join(fmt.Errorf("init database: %w", err), db.Close())
		}
	}
	return db.Close()
}

// dsn builds the driver's connection string for the file at abs. The path is
// a file: URI so that characters such as '?' or '#' in it stay part of it.
func dsn(abs string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", walLimit))
	q.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", walLimit/pageSize))
	if readOnly {
		q.Set("_query_only", "1")
	} else {
		q.Set("_txlock", "immediate")
	}
	return fileURI(abs, q)
}

// fileURI returns the file: URI of abs with query q.
func fileURI(abs string, q url.Values) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: q.Encode()}
	return u.String()
}

// openPool opens a pool of at most conns connections and checks that one
// connection can be made.
func openPool(ctx context.Context, dsn string, conns int) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	if err := db.PingContext(ctx); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return db, nil
}

// Ping checks that both pools can reach the database.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.write.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite write pool: %w", err)
	}
	if err := s.read.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite read pool: %w", err)
	}
	return nil
}

// Close closes both pools. Calling it again returns the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closeErr = errors.Join(s.read.Close(), s.write.Close())
		if s.closeErr != nil {
			s.closeErr = fmt.Errorf("close sqlite store: %w", s.closeErr)
		}
	})
	return s.closeErr
}
