package sqlstore

import (
	"context"
	"fmt"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/consolesql"
)

// AddAudit appends e to the audit log.
func (s *Common) AddAudit(ctx context.Context, e store.AuditEntry) error {
	if err := consolesql.CheckAudit(&e); err != nil {
		return fmt.Errorf("add audit: %w", err)
	}
	p := s.d.Param
	_, err := s.write.Exec(ctx, `INSERT INTO audit_log (at, user_name, action, target, detail)
		VALUES (`+p(1)+`, `+p(2)+`, `+p(3)+`, `+p(4)+`, `+p(5)+`)`, s.d.Time(e.At), e.User, e.Action, e.Target, e.Detail)
	if err != nil {
		return fmt.Errorf("add audit: %w", err)
	}
	return nil
}

// Audit returns a page of the audit log, newest first.
func (s *Common) Audit(ctx context.Context, limit, offset int) ([]store.AuditEntry, error) {
	limit, err := consolesql.Limit(limit, offset)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	rows, err := s.read.Query(ctx, `SELECT id, at, user_name, action, target, detail
		FROM audit_log ORDER BY id DESC LIMIT `+s.d.Param(1)+` OFFSET `+s.d.Param(2), limit, offset)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	entries, err := collect(rows, func(r Row, e *store.AuditEntry) error {
		return r.Scan(&e.ID, s.d.ScanTime(&e.At), &e.User, &e.Action, &e.Target, &e.Detail)
	})
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return entries, nil
}

// SetMark records m, replacing the clue's earlier mark, and finishes the
// clue's open follow-up timers at m.At; an unknown clue is
// an error wrapping store.ErrNotFound.
func (s *Common) SetMark(ctx context.Context, m store.Mark) error {
	if err := consolesql.CheckMark(&m); err != nil {
		return fmt.Errorf("set mark: %w", err)
	}
	p := s.d.Param
	err := s.tx(ctx)(func(db DB) error {
		if err := s.d.ClueExists(ctx, db, m.ClueID); err != nil {
			return err
		}
		_, err := db.Exec(ctx, `INSERT INTO clue_marks (clue_id, status, by_user, at)
			VALUES (`+p(1)+`, `+p(2)+`, `+p(3)+`, `+p(4)+`) ON CONFLICT (clue_id) DO UPDATE
			SET status = excluded.status, by_user = excluded.by_user, at = excluded.at`,
			m.ClueID, m.Status, m.By, s.d.Time(m.At))
		if err != nil {
			return err
		}
		// A marked lead is followed up: its open follow-up timers end now.
		_, err = s.finishFollowups(ctx, db, m.ClueID, m.At)
		return err
	})
	if err != nil {
		return fmt.Errorf("set mark of clue %s: %w", m.ClueID, err)
	}
	return nil
}

// Marks returns the marks of the clues with the given ids.
func (s *Common) Marks(ctx context.Context, clueIDs []string) (map[string]store.Mark, error) {
	marks := map[string]store.Mark{}
	if len(clueIDs) == 0 {
		return marks, nil
	}
	rows, err := s.read.Query(ctx, `SELECT clue_id, status, by_user, at FROM clue_marks WHERE clue_id `+
		s.d.AnyOf(s.d.Param(1)), s.d.Names(clueIDs))
	if err != nil {
		return nil, fmt.Errorf("marks: %w", err)
	}
	all, err := collect(rows, func(r Row, m *store.Mark) error {
		return r.Scan(&m.ClueID, &m.Status, &m.By, s.d.ScanTime(&m.At))
	})
	if err != nil {
		return nil, fmt.Errorf("marks: %w", err)
	}
	for _, m := range all {
		marks[m.ClueID] = m
	}
	return marks, nil
}

// ForgetPhone deletes the clues with that phone in one statement; their
// history, outbox rows, marks and search entries go with them (by cascade
// and the backend's triggers).
func (s *Common) ForgetPhone(ctx context.Context, phone string) (int, error) {
	if err := consolesql.CheckPhone(phone); err != nil {
		return 0, fmt.Errorf("forget phone: %w", err)
	}
	n, err := s.write.Exec(ctx, `DELETE FROM clues WHERE phone = `+s.d.Param(1), phone)
	if err != nil {
		return 0, fmt.Errorf("forget phone: %w", err) // never the number itself
	}
	return int(n), nil
}
