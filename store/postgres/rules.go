package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
)

var _ store.RulesHistory = (*Store)(nil)

// AddRulesVersion implements store.RulesHistory. The table is locked
// against other writers (readers go on) while the newest version is checked
// and the new one inserted, so of two processes adding after the same
// version only the first succeeds.
func (s *Store) AddRulesVersion(ctx context.Context, v store.RulesVersion, after string) (string, error) {
	if err := v.Validate(); err != nil {
		return "", fmt.Errorf("add rules version: %w", err)
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE rules_versions IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		var newest *int64
		if err := tx.QueryRow(ctx, `SELECT max(id) FROM rules_versions`).Scan(&newest); err != nil {
			return err
		}
		cur := ""
		if newest != nil {
			cur = strconv.FormatInt(*newest, 10)
		}
		if cur != after {
			return store.ErrRulesConflict
		}
		return tx.QueryRow(ctx, `INSERT INTO rules_versions (author, comment, at, hash, text)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			v.Author, v.Comment, stamp(v.At), store.RulesHash(v.Text), v.Text).Scan(&id)
	})
	if err != nil {
		return "", fmt.Errorf("add rules version: %w", err)
	}
	return strconv.FormatInt(id, 10), nil
}

// RulesVersions implements store.RulesHistory.
func (s *Store) RulesVersions(ctx context.Context, limit int) ([]store.RulesVersion, error) {
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	rows, err := s.pool.Query(ctx, `SELECT id, author, comment, at, hash FROM rules_versions
		ORDER BY id DESC LIMIT $1`, lim)
	if err != nil {
		return nil, fmt.Errorf("list rules versions: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.RulesVersion, error) {
		var v store.RulesVersion
		var id int64
		err := r.Scan(&id, &v.Author, &v.Comment, (*stamp)(&v.At), &v.Hash)
		v.ID = strconv.FormatInt(id, 10)
		return v, err
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
func (s *Store) RulesVersion(ctx context.Context, id string) (store.RulesVersion, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return store.RulesVersion{}, fmt.Errorf("rules version %q: %w", id, store.ErrNotFound)
	}
	return s.rulesVersion(ctx, `SELECT id, author, comment, at, hash, text FROM rules_versions WHERE id = $1`, n)
}

// RulesInForce implements store.RulesHistory.
func (s *Store) RulesInForce(ctx context.Context) (store.RulesVersion, error) {
	return s.rulesVersion(ctx, `SELECT id, author, comment, at, hash, text FROM rules_versions ORDER BY id DESC LIMIT 1`)
}

func (s *Store) rulesVersion(ctx context.Context, query string, args ...any) (store.RulesVersion, error) {
	var v store.RulesVersion
	var id int64
	err := s.pool.QueryRow(ctx, query, args...).Scan(&id, &v.Author, &v.Comment, (*stamp)(&v.At), &v.Hash, &v.Text)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, fmt.Errorf("rules version: %w", store.ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("rules version: %w", err)
	}
	v.ID = strconv.FormatInt(id, 10)
	return v, nil
}

// RulesFileSeen implements store.RulesHistory.
func (s *Store) RulesFileSeen(ctx context.Context) (string, error) {
	var h string
	err := s.pool.QueryRow(ctx, `SELECT hash FROM rules_file WHERE id = 1`).Scan(&h)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("rules file seen: %w", err)
	}
	return h, nil
}

// SetRulesFileSeen implements store.RulesHistory.
func (s *Store) SetRulesFileSeen(ctx context.Context, hash string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO rules_file (id, hash) VALUES (1, $1)
		ON CONFLICT (id) DO UPDATE SET hash = excluded.hash`, hash)
	if err != nil {
		return fmt.Errorf("record rules file seen: %w", err)
	}
	return nil
}
