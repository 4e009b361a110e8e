package postgres

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// unlockTimeout bounds how long releasing a lock waits for the server.
const unlockTimeout = 5 * time.Second

// TryLock tries to take the distributed lock named key, for a singleton job
// that only one of several instances sharing the database may run at a time.
// It does not wait: ok is false when another session holds the lock.
//
// The lock is PostgreSQL's session-level pg_try_advisory_lock(hashtext(key))
// on a connection of its own, outside the pool, held until unlock is called
// or the store is closed. unlock releases the lock and closes the
// connection; calling it again does nothing. If the connection or the
// process dies, the server ends the session and the lock with it. Distinct
// keys may, rarely, hash alike and then exclude each other.
func (s *Store) TryLock(ctx context.Context, key string) (unlock func(), ok bool, err error) {
	s.mu.Lock()
	closed := s.locks == nil
	s.mu.Unlock()
	if closed {
		return nil, false, fmt.Errorf("try lock %q: %w", key, errClosed)
	}
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig)
	if err != nil {
		return nil, false, fmt.Errorf("try lock %q: connect: %w", key, err)
	}
	var got bool
	err = conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtext($1))`, key).Scan(&got)
	if err != nil || !got {
		ctx, cancel := context.WithTimeout(context.Background(), unlockTimeout)
		defer cancel()
		_ = conn.Close(ctx) // nothing to release
		if err != nil {
			return nil, false, fmt.Errorf("try lock %q: %w", key, err)
		}
		return nil, false, nil
	}
	s.mu.Lock()
	if s.locks == nil { // closed meanwhile
		s.mu.Unlock()
		s.release(conn)
		return nil, false, fmt.Errorf("try lock %q: %w", key, errClosed)
	}
	s.locks[conn] = struct{}{}
	s.mu.Unlock()

	var once sync.Once
	unlock = func() {
		once.Do(func() {
			s.mu.Lock()
			_, held := s.locks[conn]
			delete(s.locks, conn)
			s.mu.Unlock()
			if held { // else Close released it already
				s.release(conn)
			}
		})
	}
	return unlock, true, nil
}

// release releases the advisory locks of conn's session and closes it. The
// locks are released first, at once: the server ends a closed session, and
// its locks with it, only a little later.
func (s *Store) release(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), unlockTimeout)
	defer cancel()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock_all()`); err != nil {
		s.log.Warn("store: releasing advisory locks failed; closing their session releases them", "err", err)
	}
	_ = conn.Close(ctx) // the locks are released; a failed close only ends the session later
}
