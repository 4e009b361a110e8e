package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migration moves the schema from one version to the next inside tx.
type migration func(ctx context.Context, tx pgx.Tx) error

// execSQL is a migration that runs SQL statements, separated by semicolons.
func execSQL(stmts string) migration {
	return func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, stmts) // no arguments: the simple protocol, several statements
		return err
	}
}

// migrateLockClass is the first key of the advisory locks that serialize
// migrations, one lock per schema; TryLock's single-key locks live apart.
const migrateLockClass int32 = 0x636c7565 // "clue"

// migrate applies the migrations the schema has not seen yet, each in its
// own transaction together with the schema_version bump. Every step takes a
// transaction-scoped advisory lock on the schema before it reads the
// version, so processes opening the database at once apply each migration
// exactly once: the others wait, then find it applied.
func migrate(ctx context.Context, pool *pgxpool.Pool, migs []migration, log *slog.Logger) error {
	for {
		done, err := migrateStep(ctx, pool, migs, log)
		if err != nil || done {
			return err
		}
	}
}

// migrateStep applies the next pending migration, if any, and reports whether
// the schema is now up to date.
func migrateStep(ctx context.Context, pool *pgxpool.Pool, migs []migration, log *slog.Logger) (done bool, err error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("migrate: begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx)) // the error that made us roll back is the one to report
		}
	}()
	var schema *string
	if err := tx.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return false, fmt.Errorf("migrate: read current schema: %w", err)
	}
	if schema == nil {
		return false, errors.New("migrate: no schema on the search_path exists")
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, migrateLockClass, *schema); err != nil {
		return false, fmt.Errorf("migrate: lock schema %s: %w", *schema, err)
	}
	if _, err := tx.Exec(ctx, `
CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL);
INSERT INTO schema_version (version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schema_version);`); err != nil {
		return false, fmt.Errorf("migrate: create schema_version: %w", err)
	}
	var version int
	if err := tx.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&version); err != nil {
		return false, fmt.Errorf("migrate: read schema version: %w", err)
	}
	switch {
	case version > len(migs):
		return false, fmt.Errorf("migrate: database schema version %d is newer than this cluebot's %d", version, len(migs))
	case version == len(migs):
		if err := tx.Commit(ctx); err != nil {
			return false, fmt.Errorf("migrate: commit: %w", err)
		}
		return true, nil
	}
	if err := migs[version](ctx, tx); err != nil {
		return false, fmt.Errorf("migrate to schema version %d: %w", version+1, err)
	}
	if _, err := tx.Exec(ctx, `UPDATE schema_version SET version = $1`, version+1); err != nil {
		return false, fmt.Errorf("migrate to schema version %d: %w", version+1, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return false, fmt.Errorf("migrate to schema version %d: commit: %w", version+1, err)
	}
	log.Info("store schema migrated", "version", version+1, "schema", *schema)
	return version+1 == len(migs), nil
}
