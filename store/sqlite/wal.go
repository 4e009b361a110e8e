package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/cluebot/cluebot/store"
)

var _ store.WriteWatcher = (*Store)(nil)

// walLimit bounds the write-ahead log. SQLite checkpoints it into the
// database once it holds this much (wal_autocheckpoint, in pages) and cuts
// the file back to this size when it starts it again (journal_size_limit);
// without a limit a burst left the WAL at 16 MB, its peak, for good.
const walLimit = 4 << 20

// Checkpoints after a write: at most one try every checkpointEvery, each
// waiting at most checkpointWait for readers of older snapshots (a long
// report), so writers are never held up for long.
const (
	checkpointEvery = 5 * time.Second
	checkpointWait  = 250 * time.Millisecond
)

// busyTimeout is how long a connection waits for a lock (milliseconds).
const busyTimeout = 10000

// wrote observes the outcome of a write: a storage failure is remembered for
// WriteErr, and a success that left the WAL above walLimit checkpoints it.
func (s *Store) wrote(ctx context.Context, err error) {
	if err != nil {
		if storageFailure(err) {
			s.health.Fail(err)
		}
		return
	}
	if fi, serr := os.Stat(s.path + "-wal"); serr != nil || fi.Size() <= walLimit {
		return
	}
	last := s.lastCheckpoint.Load()
	now := time.Now().UnixNano()
	if now-last < int64(checkpointEvery) || !s.lastCheckpoint.CompareAndSwap(last, now) {
		return
	}
	if err := s.checkpoint(ctx); err != nil && ctx.Err() == nil {
		s.log.Warn("store: checkpoint of the write-ahead log failed", "err", err)
	}
}

// checkpoint copies the WAL into the database and truncates it to zero
// bytes, unless readers of older snapshots keep it in use for longer than
// checkpointWait; then journal_size_limit cuts it at a later write.
func (s *Store) checkpoint(ctx context.Context) error {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", checkpointWait.Milliseconds())); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	defer func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA busy_timeout = %d", busyTimeout)); err != nil {
			s.log.Warn("store: restore busy_timeout after a checkpoint", "err", err)
		}
	}()
	var busy, frames, done int
	if err := conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &done); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if busy != 0 {
		s.log.Debug("store: checkpoint deferred: readers still use the write-ahead log", "frames", frames, "done", done)
	}
	return nil
}

// WriteErr implements store.WriteWatcher: the last write that failed for a
// storage reason (disk full, I/O error, read-only or damaged file) within
// store.WriteFailureWindow.
func (s *Store) WriteErr() error {
	if err := s.health.Err(); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	return nil
}

// storageFailure reports whether err is SQLite failing to store, rather than
// a constraint, a bad query or a cancelled context.
func storageFailure(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff { // the primary code of an extended one
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CORRUPT,
		sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_NOMEM:
		return true
	}
	return false
}
