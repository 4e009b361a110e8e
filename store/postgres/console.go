package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/consolesql"
)

// CreateSession stores s and drops the sessions that expired by its
// creation.
func (s *Store) CreateSession(ctx context.Context, sess store.Session) error {
	if err := consolesql.CheckSession(&sess); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM console_sessions WHERE expires_at <= $1`, stamp(sess.CreatedAt)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO console_sessions
			(id_hash, user_name, role, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			sess.IDHash, sess.User, sess.Role, sess.CSRF, stamp(sess.CreatedAt), stamp(sess.ExpiresAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("create session of %s: %w", sess.User, err)
	}
	return nil
}

// Session returns the session with that hash unless it expired by now.
func (s *Store) Session(ctx context.Context, idHash string, now time.Time) (store.Session, error) {
	sess := store.Session{IDHash: idHash}
	err := s.pool.QueryRow(ctx, `SELECT user_name, role, csrf, created_at, expires_at
		FROM console_sessions WHERE id_hash = $1 AND expires_at > $2`, idHash, stamp(now)).
		Scan(&sess.User, &sess.Role, &sess.CSRF, (*stamp)(&sess.CreatedAt), (*stamp)(&sess.ExpiresAt))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Session{}, fmt.Errorf("session: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Session{}, fmt.Errorf("session: %w", err)
	}
	return sess, nil
}

// DeleteSession ends the session with that hash, if any.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM console_sessions WHERE id_hash = $1`, idHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteSessionsExcept ends the sessions of every user not in users.
func (s *Store) DeleteSessionsExcept(ctx context.Context, users []string) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM console_sessions WHERE user_name <> ALL ($1)`, consolesql.Users(users))
	if err != nil {
		return 0, fmt.Errorf("delete sessions: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// AddLoginFailure counts a failed sign-in of name at at, dropping failures
// older than store.LoginFailuresKept before at.
func (s *Store) AddLoginFailure(ctx context.Context, name string, at time.Time) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE at < $1`,
			stamp(at.Add(-store.LoginFailuresKept))); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO login_failures (name, at) VALUES ($1, $2)`, name, stamp(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("add login failure: %w", err)
	}
	return nil
}

// LoginFailures counts name's failed sign-ins at or after since.
func (s *Store) LoginFailures(ctx context.Context, name string, since time.Time) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM login_failures WHERE name = $1 AND at >= $2`,
		name, stamp(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("login failures: %w", err)
	}
	return n, nil
}

// AddAudit appends e to the audit log.
func (s *Store) AddAudit(ctx context.Context, e store.AuditEntry) error {
	if err := consolesql.CheckAudit(&e); err != nil {
		return fmt.Errorf("add audit: %w", err)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO audit_log (at, user_name, action, target, detail)
		VALUES ($1, $2, $3, $4, $5)`, stamp(e.At), e.User, e.Action, e.Target, e.Detail)
	if err != nil {
		return fmt.Errorf("add audit: %w", err)
	}
	return nil
}

// Audit returns a page of the audit log, newest first.
func (s *Store) Audit(ctx context.Context, limit, offset int) ([]store.AuditEntry, error) {
	limit, err := consolesql.Limit(limit, offset)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	rows, err := s.pool.Query(ctx, `SELECT id, at, user_name, action, target, detail
		FROM audit_log ORDER BY id DESC LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	entries, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.AuditEntry, error) {
		var e store.AuditEntry
		err := r.Scan(&e.ID, (*stamp)(&e.At), &e.User, &e.Action, &e.Target, &e.Detail)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return entries, nil
}

// SetMark records m, replacing the clue's earlier mark, and finishes the
// clue's open follow-up timers at m.At; the foreign key refuses an unknown
// clue.
func (s *Store) SetMark(ctx context.Context, m store.Mark) error {
	if err := consolesql.CheckMark(&m); err != nil {
		return fmt.Errorf("set mark: %w", err)
	}
	// A marked lead is followed up: its open follow-up timers end now, in
	// the same statement.
	_, err := s.pool.Exec(ctx, `WITH m AS (INSERT INTO clue_marks (clue_id, status, by_user, at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (clue_id) DO UPDATE SET status = excluded.status, by_user = excluded.by_user, at = excluded.at
		RETURNING clue_id, at)
		UPDATE followups f SET done_at = m.at, next_due = '-infinity' FROM m
		WHERE f.clue_id = m.clue_id AND f.done_at = '-infinity'`,
		m.ClueID, m.Status, m.By, stamp(m.At))
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23503" { // foreign_key_violation
		return fmt.Errorf("set mark of clue %s: %w", m.ClueID, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("set mark of clue %s: %w", m.ClueID, err)
	}
	return nil
}

// Marks returns the marks of the clues with the given ids.
func (s *Store) Marks(ctx context.Context, clueIDs []string) (map[string]store.Mark, error) {
	marks := map[string]store.Mark{}
	if len(clueIDs) == 0 {
		return marks, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT clue_id, status, by_user, at FROM clue_marks WHERE clue_id = ANY ($1)`, clueIDs)
	if err != nil {
		return nil, fmt.Errorf("marks: %w", err)
	}
	var m store.Mark
	_, err = pgx.ForEachRow(rows, []any{&m.ClueID, &m.Status, &m.By, (*stamp)(&m.At)}, func() error {
		marks[m.ClueID] = m
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("marks: %w", err)
	}
	return marks, nil
}

// ForgetPhone deletes the clues with that phone in one statement; their
// history, outbox rows and marks go with them by cascade.
func (s *Store) ForgetPhone(ctx context.Context, phone string) (int, error) {
	if err := consolesql.CheckPhone(phone); err != nil {
		return 0, fmt.Errorf("forget phone: %w", err)
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM clues WHERE phone = $1`, phone)
	if err != nil {
		return 0, fmt.Errorf("forget phone: %w", err) // never the number itself
	}
	return int(tag.RowsAffected()), nil
}
