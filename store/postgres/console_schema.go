package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// consoleTablesSQL is the SQL part of migration 5, as in store/sqlite: the
// outbox rows' kind (existing rows are alerts), the indexes of a lead
// search at millions of rows (the phone and its last 4 digits, names and
// page names in byte order for prefix ranges, and clues_day, a day's
// routing for the overview and a route filter, read by index-only scans),
// and the console's own tables.
const consoleTablesSQL = `
ALTER TABLE outbox ADD COLUMN kind text NOT NULL DEFAULT 'alert'
	CHECK (kind IN ('alert', 'reminder', 'escalation'));

CREATE INDEX clues_phone ON clues (phone);
CREATE INDEX clues_phone_tail ON clues (right(phone, 4));
CREATE INDEX clues_user_name ON clues ((user_name COLLATE "C"));
CREATE INDEX clues_page_name ON clues ((page_name COLLATE "C"));
CREATE INDEX clues_day ON clues (create_time) INCLUDE (routed_at, routes);

CREATE TABLE console_sessions (
	id_hash    text COLLATE "C" PRIMARY KEY,
	user_name  text NOT NULL,
	role       text NOT NULL,
	csrf       text NOT NULL,
	created_at timestamptz NOT NULL,
	expires_at timestamptz NOT NULL
);
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);

CREATE TABLE login_failures (
	name text COLLATE "C" NOT NULL,
	at   timestamptz NOT NULL
);
CREATE INDEX login_failures_name ON login_failures (name, at);
CREATE INDEX login_failures_at ON login_failures (at);

CREATE TABLE audit_log (
	id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at        timestamptz NOT NULL,
	user_name text NOT NULL,
	action    text NOT NULL,
	target    text NOT NULL,
	detail    text NOT NULL
);

CREATE TABLE clue_marks (
	clue_id text COLLATE "C" PRIMARY KEY REFERENCES clues (id) ON DELETE CASCADE,
	status  text NOT NULL,
	by_user text NOT NULL,
	at      timestamptz NOT NULL
);
`

// consoleSchema is migration 5: consoleTablesSQL, and trigram indexes on
// names and page names for substring search when pg_trgm can be had.
// Without it (no contrib package, no right to create it) a substring search
// still works, walking the clues.
func consoleSchema(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, consoleTablesSQL); err != nil {
		return err
	}
	ops, err := trigramOps(ctx, tx)
	if err != nil || ops == "" {
		return err
	}
	_, err = tx.Exec(ctx, fmt.Sprintf(`
CREATE INDEX clues_user_name_trgm ON clues USING gin (user_name %[1]s);
CREATE INDEX clues_page_name_trgm ON clues USING gin (page_name %[1]s);`, ops))
	return err
}

// trigramOps returns the qualified name of pg_trgm's GIN operator class,
// creating the extension if it is missing, or "" when it cannot be had. The
// extension goes to public when it can, where it outlives any one schema
// (tests drop theirs), else to the current schema. An extension another
// process created meanwhile is found all the same.
func trigramOps(ctx context.Context, tx pgx.Tx) (string, error) {
	for _, create := range []string{`CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public`,
		`CREATE EXTENSION IF NOT EXISTS pg_trgm`} {
		if _, err := tx.Exec(ctx, `SAVEPOINT trgm`); err != nil {
			return "", err
		}
		_, err := tx.Exec(ctx, create)
		undo := `RELEASE SAVEPOINT trgm`
		if err != nil {
			undo = `ROLLBACK TO SAVEPOINT trgm`
		}
		if _, err := tx.Exec(ctx, undo); err != nil {
			return "", err
		}
		if err == nil {
			break
		}
	}
	var schema string
	err := tx.QueryRow(ctx, `SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
		WHERE e.extname = 'pg_trgm'`).Scan(&schema)
	if err == pgx.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return pgx.Identifier{schema, "gin_trgm_ops"}.Sanitize(), nil
}
