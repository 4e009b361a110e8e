package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/cluebot/cluebot/store"
)

var _ store.RulesHistory = (*Store)(nil)

// AddRulesVersion implements store.RulesHistory. The check of the newest
// version and the insert share one IMMEDIATE transaction, so of two
// processes adding after the same version only the first succeeds.
func (s *Store) AddRulesVersion(ctx context.Context, v store.RulesVersion, after string) (string, error) {
	if err := v.Validate(); err != nil {
		return "", fmt.Errorf("add rules version: %w", err)
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var newest sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(id) FROM rules_versions`).Scan(&newest); err != nil {
			return err
		}
		if cur := idText(newest); cur != after {
			return store.ErrRulesConflict
		}
		return tx.QueryRowContext(ctx, `INSERT INTO rules_versions (author, comment, at, hash, text)
			VALUES (?, ?, ?, ?, ?) RETURNING id`,
			v.Author, v.Comment, toMillis(v.At), store.RulesHash(v.Text), v.Text).Scan(&id)
	})
	if err != nil {
		return "", fmt.Errorf("add rules version: %w", err)
	}
	return strconv.FormatInt(id, 10), nil
}

func idText(id sql.NullInt64) string {
	if !id.Valid {
		return ""
	}
	return strconv.FormatInt(id.Int64, 10)
}

// RulesVersions implements store.RulesHistory.
func (s *Store) RulesVersions(ctx context.Context, limit int) ([]store.RulesVersion, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, author, comment, at, hash FROM rules_versions
		ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list rules versions: %w", err)
	}
	defer rows.Close()
	out := []store.RulesVersion{}
	for rows.Next() {
		var v store.RulesVersion
		var id, at int64
		if err := rows.Scan(&id, &v.Author, &v.Comment, &at, &v.Hash); err != nil {
			return nil, fmt.Errorf("list rules versions: %w", err)
		}
		v.ID, v.At = strconv.FormatInt(id, 10), fromMillis(at)
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list rules versions: %w", err)
	}
	return out, nil
}

// RulesVersion implements store.RulesHistory.
func (s *Store) RulesVersion(ctx context.Context, id string) (store.RulesVersion, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return store.RulesVersion{}, fmt.Errorf("rules version %q: %w", id, store.ErrNotFound)
	}
	return s.rulesVersion(ctx, `SELECT id, author, comment, at, hash, text FROM rules_versions WHERE id = ?`, n)
}

// RulesInForce implements store.RulesHistory.
func (s *Store) RulesInForce(ctx context.Context) (store.RulesVersion, error) {
	return s.rulesVersion(ctx, `SELECT id, author, comment, at, hash, text FROM rules_versions ORDER BY id DESC LIMIT 1`)
}

func (s *Store) rulesVersion(ctx context.Context, query string, args ...any) (store.RulesVersion, error) {
	var v store.RulesVersion
	var id, at int64
	err := s.read.QueryRowContext(ctx, query, args...).Scan(&id, &v.Author, &v.Comment, &at, &v.Hash, &v.Text)
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("rules version: %w", store.ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("rules version: %w", err)
	}
	v.ID, v.At = strconv.FormatInt(id, 10), fromMillis(at)
	return v, nil
}

// RulesFileSeen implements store.RulesHistory.
func (s *Store) RulesFileSeen(ctx context.Context) (string, error) {
	var h string
	err := s.read.QueryRowContext(ctx, `SELECT hash FROM rules_file WHERE id = 1`).Scan(&h)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("rules file seen: %w", err)
	}
	return h, nil
}

// SetRulesFileSeen implements store.RulesHistory.
func (s *Store) SetRulesFileSeen(ctx context.Context, hash string) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO rules_file (id, hash) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET hash = excluded.hash`, hash)
	s.wrote(ctx, err)
	if err != nil {
		return fmt.Errorf("record rules file seen: %w", err)
	}
	return nil
}
