package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/consolesql"
)

// CreateSession stores s and drops the sessions that expired by its
// creation.
func (s *Store) CreateSession(ctx context.Context, sess store.Session) error {
	if err := consolesql.CheckSession(&sess); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM console_sessions WHERE expires_at <= ?`,
			toMillis(sess.CreatedAt)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO console_sessions
			(id_hash, user_name, role, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
			sess.IDHash, sess.User, sess.Role, sess.CSRF, toMillis(sess.CreatedAt), toMillis(sess.ExpiresAt))
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
	var created, expires int64
	err := s.read.QueryRowContext(ctx, `SELECT user_name, role, csrf, created_at, expires_at
		FROM console_sessions WHERE id_hash = ? AND expires_at > ?`, idHash, toMillis(now)).
		Scan(&sess.User, &sess.Role, &sess.CSRF, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Session{}, fmt.Errorf("session: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Session{}, fmt.Errorf("session: %w", err)
	}
	sess.CreatedAt, sess.ExpiresAt = fromMillis(created), fromMillis(expires)
	return sess, nil
}

// DeleteSession ends the session with that hash, if any.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	_, err := s.write.ExecContext(ctx, `DELETE FROM console_sessions WHERE id_hash = ?`, idHash)
	s.wrote(ctx, err)
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteSessionsExcept ends the sessions of every user not in users.
func (s *Store) DeleteSessionsExcept(ctx context.Context, users []string) (int, error) {
	names, err := json.Marshal(consolesql.Users(users))
	if err != nil {
		return 0, fmt.Errorf("delete sessions: %w", err)
	}
	res, err := s.write.ExecContext(ctx, `DELETE FROM console_sessions
		WHERE user_name NOT IN (SELECT value FROM json_each(?))`, string(names))
	s.wrote(ctx, err)
	if err != nil {
		return 0, fmt.Errorf("delete sessions: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// AddLoginFailure counts a failed sign-in of name at at, dropping failures
// older than store.LoginFailuresKept before at.
func (s *Store) AddLoginFailure(ctx context.Context, name string, at time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE at < ?`,
			toMillis(at.Add(-store.LoginFailuresKept))); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO login_failures (name, at) VALUES (?, ?)`, name, toMillis(at))
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
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM login_failures WHERE name = ? AND at >= ?`,
		name, toMillis(since)).Scan(&n)
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
	_, err := s.write.ExecContext(ctx, `INSERT INTO audit_log (at, user_name, action, target, detail)
		VALUES (?, ?, ?, ?, ?)`, toMillis(e.At), e.User, e.Action, e.Target, e.Detail)
	s.wrote(ctx, err)
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
	rows, err := s.read.QueryContext(ctx, `SELECT id, at, user_name, action, target, detail
		FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer rows.Close()
	var entries []store.AuditEntry
	for rows.Next() {
		var e store.AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.User, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
		e.At = fromMillis(at)
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return entries, nil
}

// SetMark records m, replacing the clue's earlier mark, and finishes the
// clue's open follow-up timers at m.At.
func (s *Store) SetMark(ctx context.Context, m store.Mark) error {
	if err := consolesql.CheckMark(&m); err != nil {
		return fmt.Errorf("set mark: %w", err)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := clueExists(ctx, tx, m.ClueID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO clue_marks (clue_id, status, by_user, at) VALUES (?, ?, ?, ?)
			ON CONFLICT (clue_id) DO UPDATE SET status = excluded.status, by_user = excluded.by_user, at = excluded.at`,
			m.ClueID, m.Status, m.By, toMillis(m.At))
		if err != nil {
			return err
		}
		// A marked lead is followed up: its open follow-up timers end now.
		_, err = tx.ExecContext(ctx, `UPDATE followups SET done_at = ?2, next_due = 0 WHERE clue_id = ?1 AND done_at = 0`,
			m.ClueID, toMillis(m.At))
		return err
	})
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
	ids, err := json.Marshal(clueIDs)
	if err != nil {
		return nil, fmt.Errorf("marks: %w", err)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT clue_id, status, by_user, at FROM clue_marks
		WHERE clue_id IN (SELECT value FROM json_each(?))`, string(ids))
	if err != nil {
		return nil, fmt.Errorf("marks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m store.Mark
		var at int64
		if err := rows.Scan(&m.ClueID, &m.Status, &m.By, &at); err != nil {
			return nil, fmt.Errorf("marks: %w", err)
		}
		m.At = fromMillis(at)
		marks[m.ClueID] = m
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("marks: %w", err)
	}
	return marks, nil
}

// ForgetPhone deletes the clues with that phone in one transaction; their
// history, outbox rows, marks and search entries go with them.
func (s *Store) ForgetPhone(ctx context.Context, phone string) (int, error) {
	if err := consolesql.CheckPhone(phone); err != nil {
		return 0, fmt.Errorf("forget phone: %w", err)
	}
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM clues WHERE phone = ?`, phone)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("forget phone: %w", err) // never the number itself
	}
	return int(n), nil
}
