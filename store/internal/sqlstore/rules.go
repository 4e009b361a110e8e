package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/cluebot/cluebot/store"
)

var _ store.RulesHistory = (*Common)(nil)

// AddRulesVersion implements store.RulesHistory. The check of the newest
// version and the insert share one write transaction that keeps other
// writers of rules_versions off (the Dialect's LockRules where the
// transaction alone does not), so of two processes adding after the same
// version only the first succeeds.
func (s *Common) AddRulesVersion(ctx context.Context, v store.RulesVersion, after string) (string, error) {
	if err := v.Validate(); err != nil {
		return "", fmt.Errorf("add rules version: %w", err)
	}
	p := s.d.Param
	var id int64
	err := s.tx(ctx)(func(db DB) error {
		if s.d.LockRules != "" {
			if _, err := db.Exec(ctx, s.d.LockRules); err != nil {
				return err
			}
		}
		var newest sql.NullInt64
		if err := db.QueryRow(ctx, `SELECT max(id) FROM rules_versions`).Scan(&newest); err != nil {
			return err
		}
		cur := ""
		if newest.Valid {
			cur = strconv.FormatInt(newest.Int64, 10)
		}
		if cur != after {
			return store.ErrRulesConflict
		}
		return db.QueryRow(ctx, `INSERT INTO rules_versions (author, comment, at, hash, text)
			VALUES (`+p(1)+`, `+p(2)+`, `+p(3)+`, `+p(4)+`, `+p(5)+`) RETURNING id`,
			v.Author, v.Comment, s.d.Time(v.At), store.RulesHash(v.Text), v.Text).Scan(&id)
	})
	if err != nil {
		return "", fmt.Errorf("add rules version: %w", err)
	}
	return strconv.FormatInt(id, 10), nil
}

// RulesVersions implements store.RulesHistory.
func (s *Common) RulesVersions(ctx context.Context, limit int) ([]store.RulesVersion, error) {
	query := `SELECT id, author, comment, at, hash FROM rules_versions ORDER BY id DESC`
	var args []any
	if limit > 0 {
		query += ` LIMIT ` + s.d.Param(1)
		args = append(args, limit)
	}
	rows, err := s.read.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list rules versions: %w", err)
	}
	out, err := collect(rows, func(r Row, v *store.RulesVersion) error {
		var id int64
		err := r.Scan(&id, &v.Author, &v.Comment, s.d.ScanTime(&v.At), &v.Hash)
		v.ID = strconv.FormatInt(id, 10)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list rules versions: %w", err)
	}
	if out == nil {
		out = []store.RulesVersion{}
	}
	return out, nil
}

// RulesVersion implements store.RulesHistory.
func (s *Common) RulesVersion(ctx context.Context, id string) (store.RulesVersion, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return store.RulesVersion{}, fmt.Errorf("rules version %q: %w", id, store.ErrNotFound)
	}
	return s.rulesVersion(ctx, `SELECT id, author, comment, at, hash, text FROM rules_versions WHERE id = `+
		s.d.Param(1), n)
}

// RulesInForce implements store.RulesHistory.
func (s *Common) RulesInForce(ctx context.Context) (store.RulesVersion, error) {
	return s.rulesVersion(ctx, `SELECT id, author, comment, at, hash, text FROM rules_versions ORDER BY id DESC LIMIT 1`)
}

// rulesVersion reads the one version query selects, with its text.
func (s *Common) rulesVersion(ctx context.Context, query string, args ...any) (store.RulesVersion, error) {
	var v store.RulesVersion
	var id int64
	err := s.read.QueryRow(ctx, query, args...).Scan(&id, &v.Author, &v.Comment, s.d.ScanTime(&v.At), &v.Hash, &v.Text)
	if errors.Is(err, s.d.NoRows) {
		return v, fmt.Errorf("rules version: %w", store.ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("rules version: %w", err)
	}
	v.ID = strconv.FormatInt(id, 10)
	return v, nil
}

// RulesFileSeen implements store.RulesHistory.
func (s *Common) RulesFileSeen(ctx context.Context) (string, error) {
	var h string
	err := s.read.QueryRow(ctx, `SELECT hash FROM rules_file WHERE id = 1`).Scan(&h)
	if err != nil && !errors.Is(err, s.d.NoRows) {
		return "", fmt.Errorf("rules file seen: %w", err)
	}
	return h, nil
}

// SetRulesFileSeen implements store.RulesHistory.
func (s *Common) SetRulesFileSeen(ctx context.Context, hash string) error {
	_, err := s.write.Exec(ctx, `INSERT INTO rules_file (id, hash) VALUES (1, `+s.d.Param(1)+`)
		ON CONFLICT (id) DO UPDATE SET hash = excluded.hash`, hash)
	if err != nil {
		return fmt.Errorf("record rules file seen: %w", err)
	}
	return nil
}
