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
	// 2: routing and delivery. A clue is routed once routed_at is set; the
	// partial index keeps the clues still to route at hand however many are
	// stored. A clue carries its routes and assignees, in rule order joined
	// by U+001F (NULL: none), and the counts of its outbox rows by state,
	// kept by triggers, so that reading clues back joins nothing. The
	// outbox's partial indexes hold only pending (claims, receivers, stats)
	// or dead rows, so they stay small while sent rows pile up.
	execSQL(`
ALTER TABLE clues ADD COLUMN routed_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clues ADD COLUMN routes TEXT;
ALTER TABLE clues ADD COLUMN assignees TEXT;
ALTER TABLE clues ADD COLUMN outbox_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clues ADD COLUMN outbox_pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clues ADD COLUMN outbox_dead INTEGER NOT NULL DEFAULT 0;
CREATE INDEX clues_unrouted ON clues (first_seen, id) WHERE routed_at = 0;

CREATE TABLE outbox (
	id          INTEGER PRIMARY KEY,
	clue_id     TEXT NOT NULL REFERENCES clues (id) ON DELETE CASCADE,
	route       TEXT NOT NULL,
	receiver    TEXT NOT NULL,
	assignee    TEXT NOT NULL,
	state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
	attempts    INTEGER NOT NULL DEFAULT 0,
	next_at     INTEGER NOT NULL,
	last_error  TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	sent_at     INTEGER NOT NULL DEFAULT 0,
	lease_owner TEXT NOT NULL DEFAULT '',
	lease_until INTEGER NOT NULL DEFAULT 0,
	UNIQUE (clue_id, route, receiver)
);
` + outboxIndexesSQL + `
CREATE TABLE rotation (
	route    TEXT PRIMARY KEY,
	position INTEGER NOT NULL
) WITHOUT ROWID;
`),
	// 3: robots' send log and pauses, shared by every process pacing sends
	// to the same robot; rows older than the pacing window are pruned.
	execSQL(`
CREATE TABLE send_log (
	receiver TEXT NOT NULL,
	sent_at  INTEGER NOT NULL
);
CREATE INDEX send_log_receiver ON send_log (receiver, sent_at);
CREATE TABLE receiver_pause (
	receiver TEXT PRIMARY KEY,
	until    INTEGER NOT NULL
) WITHOUT ROWID;
`),
	// 4: each account's poll schedule and pull lease, shared by instances.
	execSQL(`
CREATE TABLE account_poll (
	advertiser_id INTEGER PRIMARY KEY,
	next_poll_at  INTEGER NOT NULL DEFAULT 0,
	quiet_polls   INTEGER NOT NULL DEFAULT 0,
	lease_owner   TEXT NOT NULL DEFAULT '',
	lease_until   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX account_poll_due ON account_poll (next_poll_at);
`),
	// 5: authorizations, the advertisers each covers, OAuth states (auth.go).
	execSQL(authSchema),
	// 6: every version of the rules, the newest in force, and the hash of
	// the rules file text last seen (one row).
	execSQL(`
CREATE TABLE rules_versions (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	author  TEXT NOT NULL,
	comment TEXT NOT NULL,
	at      INTEGER NOT NULL,
	hash    TEXT NOT NULL,
	text    TEXT NOT NULL
);
CREATE TABLE rules_file (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	hash TEXT NOT NULL
);
`),
	// 7: the console's sessions, audit log, marks and search indexes.
	consoleSchema,
	// 8: the key that signs mark links (one row, see marklink.go).
	execSQL(`
CREATE TABLE mark_link_key (
	id  INTEGER PRIMARY KEY CHECK (id = 1),
	key BLOB NOT NULL
);
`),
	// 9: marks written back to the vendor (kuaishou.write_back).
	execSQL(`
CREATE TABLE mark_writeback (
	clue_id    TEXT PRIMARY KEY REFERENCES clues (id) ON DELETE CASCADE,
	mark_at    INTEGER NOT NULL,
	state      TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
	attempts   INTEGER NOT NULL,
	next_at    INTEGER NOT NULL,
	last_error TEXT NOT NULL
);
`),
	// 10: imported account names (names.go).
	execSQL(namesSchema),
	// 11: follow-up timers; the outbox unique per kind (followup_schema.go).
	followupSchema,
	// 12: the open timers' due times, so counting the open and overdue ones
	// (FollowupStats, the gauge) reads only them, never the history of
	// finished timers (BenchmarkFollowupScan).
	execSQL(`CREATE INDEX followups_open ON followups (remind_due, escalate_due)
	WHERE scheduled = 1 AND done_at = 0;`),
	// 13: the clues in the order they were stored, so that a rules replay
	// reads the leads stored in its window (store.ClueFilter.ByFirstSeen)
	// from a range of the index, in its order, however many are stored.
	execSQL(`CREATE INDEX clues_first_seen ON clues (first_seen, id);`),
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

// outboxIndexesSQL are the outbox's partial indexes and the triggers that
// keep the clues' outbox counts: made by migration 2, and again by the
// rebuild of followupSchema.
const outboxIndexesSQL = `
CREATE INDEX outbox_claim ON outbox (receiver, next_at) WHERE state = 'pending';
CREATE INDEX outbox_pending ON outbox (created_at) WHERE state = 'pending';
CREATE INDEX outbox_dead ON outbox (created_at) WHERE state = 'dead';

CREATE TRIGGER outbox_count_insert AFTER INSERT ON outbox BEGIN
	UPDATE clues SET outbox_sent = outbox_sent + (NEW.state = 'sent'),
		outbox_pending = outbox_pending + (NEW.state = 'pending'), outbox_dead = outbox_dead + (NEW.state = 'dead')
	WHERE id = NEW.clue_id;
END;
CREATE TRIGGER outbox_count_update AFTER UPDATE OF state ON outbox WHEN OLD.state IS NOT NEW.state BEGIN
	UPDATE clues SET outbox_sent = outbox_sent + (NEW.state = 'sent') - (OLD.state = 'sent'),
		outbox_pending = outbox_pending + (NEW.state = 'pending') - (OLD.state = 'pending'),
		outbox_dead = outbox_dead + (NEW.state = 'dead') - (OLD.state = 'dead')
	WHERE id = NEW.clue_id;
END;
CREATE TRIGGER outbox_count_delete AFTER DELETE ON outbox BEGIN
	UPDATE clues SET outbox_sent = outbox_sent - (OLD.state = 'sent'),
		outbox_pending = outbox_pending - (OLD.state = 'pending'), outbox_dead = outbox_dead - (OLD.state = 'dead')
	WHERE id = OLD.clue_id;
END;
`
