package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
)

// migration moves the schema from one version to the next inside tx.
type migration func(ctx context.Context, tx *sql.Tx) error

// execSQL is a migration that runs SQL statements, separated by semicolons.
func execSQL(stmts string) migration {
	return func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, stmts)
		return err
	}
}

// migrations lists every schema change in order: migrations[i] moves the
// schema from version i to i+1. Append new ones at the end; never edit,
// reorder or remove one that has shipped.
var migrations = []migration{
	// 1: clues with their history, per-account sync state and tokens.
	execSQL(`
CREATE TABLE clues (
	id            TEXT PRIMARY KEY,
	advertiser_id INTEGER NOT NULL,
	create_time   INTEGER NOT NULL,
	update_time   INTEGER NOT NULL,
	intention_id  INTEGER NOT NULL,
	phone_stat    INTEGER NOT NULL,
	schedule_id   INTEGER NOT NULL,
	clue_tag      INTEGER NOT NULL,
	source_type   INTEGER NOT NULL,
	page_id       TEXT NOT NULL,
	page_name     TEXT NOT NULL,
	user_name     TEXT NOT NULL,
	phone         TEXT NOT NULL,
	province      TEXT NOT NULL,
	city          TEXT NOT NULL,
	store         TEXT NOT NULL,
	raw           TEXT NOT NULL,
	first_seen    INTEGER NOT NULL,
	last_updated  INTEGER NOT NULL
);
CREATE INDEX clues_create_time ON clues (create_time, id);
CREATE INDEX clues_advertiser_create_time ON clues (advertiser_id, create_time, id);

CREATE TABLE clue_history (
	id           INTEGER PRIMARY KEY,
	clue_id      TEXT NOT NULL REFERENCES clues (id) ON DELETE CASCADE,
	changed_at   INTEGER NOT NULL,
	update_time  INTEGER NOT NULL,
	intention_id INTEGER NOT NULL,
	phone_stat   INTEGER NOT NULL,
	schedule_id  INTEGER NOT NULL
);
CREATE INDEX clue_history_clue_id ON clue_history (clue_id);

CREATE TABLE sync_state (
	advertiser_id   INTEGER PRIMARY KEY,
	synced_to       INTEGER NOT NULL,
	last_run_at     INTEGER NOT NULL,
	last_success_at INTEGER NOT NULL,
	last_error      TEXT NOT NULL
);

CREATE TABLE tokens (
	advertiser_id      INTEGER PRIMARY KEY,
	access_token       TEXT NOT NULL,
	refresh_token      TEXT NOT NULL,
	access_expires_at  INTEGER NOT NULL,
	refresh_expires_at INTEGER NOT NULL,
	seed               TEXT NOT NULL,
	updated_at         INTEGER NOT NULL
);
`),
}

// migrate applies the migrations db has not seen yet, each in its own
// transaction together with the schema_version bump. Every step re-reads the
// version inside its IMMEDIATE transaction, so two processes opening the same
// file at once cannot apply a migration twice.
func migrate(ctx context.Context, db *sql.DB, migs []migration, log *slog.Logger) error {
	for {
		done, err := migrateStep(ctx, db, migs, log)
		if err != nil || done {
			return err
		}
	}
}

// migrateStep applies the next pending migration, if any, and reports whether
// the schema is now up to date.
func migrateStep(ctx context.Context, db *sql.DB, migs []migration, log *slog.Logger) (done bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migrate: begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback() // the error that made us roll back is the one to report
		}
	}()
	if _, err := tx.ExecContext(ctx, `
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schema_version);`); err != nil {
		return false, fmt.Errorf("migrate: create schema_version: %w", err)
	}
	var version int
	if err := tx.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&version); err != nil {
		return false, fmt.Errorf("migrate: read schema version: %w", err)
	}
	switch {
	case version > len(migs):
		return false, fmt.Errorf("migrate: database schema version %d is newer than this cluebot's %d", version, len(migs))
	case version == len(migs):
		if err := tx.Commit(); err != nil {
			return false, fmt.Errorf("migrate: commit: %w", err)
		}
		return true, nil
	}
	if err := migs[version](ctx, tx); err != nil {
		return false, fmt.Errorf("migrate to schema version %d: %w", version+1, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE schema_version SET version = ?`, version+1); err != nil {
		return false, fmt.Errorf("migrate to schema version %d: %w", version+1, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migrate to schema version %d: commit: %w", version+1, err)
	}
	log.Info("store schema migrated", "version", version+1)
	return version+1 == len(migs), nil
}
