package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/consolesql"
)

// CreateSession stores s and drops the sessions that expired by its
// creation.
func (s *Common) CreateSession(ctx context.Context, sess store.Session) error {
	if err := consolesql.CheckSession(&sess); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	p := s.d.Param
	err := s.tx(ctx)(func(db DB) error {
		if _, err := db.Exec(ctx, `DELETE FROM console_sessions WHERE expires_at <= `+p(1),
			s.d.Time(sess.CreatedAt)); err != nil {
			return err
		}
		_, err := db.Exec(ctx, `INSERT INTO console_sessions (id_hash, user_name, role, csrf, created_at, expires_at)
			VALUES (`+p(1)+`, `+p(2)+`, `+p(3)+`, `+p(4)+`, `+p(5)+`, `+p(6)+`)`,
			sess.IDHash, sess.User, sess.Role, sess.CSRF, s.d.Time(sess.CreatedAt), s.d.Time(sess.ExpiresAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("create session of %s: %w", sess.User, err)
	}
	return nil
}

// Session returns the session with that hash unless it expired by now.
func (s *Common) Session(ctx context.Context, idHash string, now time.Time) (store.Session, error) {
	sess := store.Session{IDHash: idHash}
	err := s.read.QueryRow(ctx, `SELECT user_name, role, csrf, created_at, expires_at
		FROM console_sessions WHERE id_hash = `+s.d.Param(1)+` AND expires_at > `+s.d.Param(2), idHash, s.d.Time(now)).
		Scan(&sess.User, &sess.Role, &sess.CSRF, s.d.ScanTime(&sess.CreatedAt), s.d.ScanTime(&sess.ExpiresAt))
	if errors.Is(err, s.d.NoRows) {
		return store.Session{}, fmt.Errorf("session: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Session{}, fmt.Errorf("session: %w", err)
	}
	return sess, nil
}

// DeleteSession ends the session with that hash, if any.
func (s *Common) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := s.write.Exec(ctx, `DELETE FROM console_sessions WHERE id_hash = `+s.d.Param(1), idHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteSessionsExcept ends the sessions of every user not in users.
func (s *Common) DeleteSessionsExcept(ctx context.Context, users []string) (int, error) {
	n, err := s.write.Exec(ctx, `DELETE FROM console_sessions WHERE NOT (user_name `+s.d.AnyOf(s.d.Param(1))+`)`,
		s.d.Names(consolesql.Users(users)))
	if err != nil {
		return 0, fmt.Errorf("delete sessions: %w", err)
	}
	return int(n), nil
}

// AddLoginFailure counts a failed sign-in of name at at, dropping failures
// older than store.LoginFailuresKept before at.
func (s *Common) AddLoginFailure(ctx context.Context, name string, at time.Time) error {
	err := s.tx(ctx)(func(db DB) error {
		if _, err := db.Exec(ctx, `DELETE FROM login_failures WHERE at < `+s.d.Param(1),
			s.d.Time(at.Add(-store.LoginFailuresKept))); err != nil {
			return err
		}
		_, err := db.Exec(ctx, `INSERT INTO login_failures (name, at) VALUES (`+s.d.Param(1)+`, `+s.d.Param(2)+`)`,
			name, s.d.Time(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("add login failure: %w", err)
	}
	return nil
}

// LoginFailures counts name's failed sign-ins at or after since.
func (s *Common) LoginFailures(ctx context.Context, name string, since time.Time) (int, error) {
	var n int
	err := s.read.QueryRow(ctx, `SELECT count(*) FROM login_failures WHERE name = `+s.d.Param(1)+` AND at >= `+
		s.d.Param(2), name, s.d.Time(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("login failures: %w", err)
	}
	return n, nil
}
