package sqlite

// consoleSchema is migration 5: what the web console reads and keeps.
//
// The outbox gains each row's kind (existing rows are alerts). Clues gain
// the indexes a lead search needs at millions of rows: the phone and its
// last 4 digits, names and page names (prefix ranges for short queries),
// and clues_day, newest first with a day's routing for the overview and
// the columns a search's predicate reads, so that a search walking the
// clues newest first tests each on the index and reads only the rows it
// returns (at 5,000,000 leads: a common name's first page 315 ms -> 63 ms).
// Substrings of
// names and page names are looked up in clue_text, an FTS5 table with the
// trigram tokenizer. It is contentless and keyed by clue_seq, a stable
// integer per clue id: clues has a TEXT primary key, and VACUUM may
// renumber such a table's rowids, which would silently break an index keyed
// by them. Triggers keep both in step with clues, deletes included
// (retention, forgetting a phone).
//
// Sessions, login failures, the audit log and marks are tables of their
// own; marks go with their clue.
var consoleSchema = execSQL(`
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'alert'
	CHECK (kind IN ('alert', 'reminder', 'escalation'));

CREATE INDEX clues_phone ON clues (phone);
CREATE INDEX clues_phone_tail ON clues (substr(phone, -4));
CREATE INDEX clues_user_name ON clues (user_name);
CREATE INDEX clues_page_name ON clues (page_name);
CREATE INDEX clues_day ON clues (create_time, id, routed_at, routes, user_name, page_name, phone);

CREATE TABLE clue_seq (
	seq INTEGER PRIMARY KEY,
	id  TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE clue_text USING fts5 (user_name, page_name,
	content = '', contentless_delete = 1, tokenize = 'trigram case_sensitive 1');
INSERT INTO clue_seq (id) SELECT id FROM clues ORDER BY create_time, id;
INSERT INTO clue_text (rowid, user_name, page_name)
	SELECT s.seq, c.user_name, c.page_name FROM clue_seq s JOIN clues c ON c.id = s.id;

CREATE TRIGGER clue_text_insert AFTER INSERT ON clues BEGIN
	INSERT INTO clue_seq (id) VALUES (NEW.id);
	INSERT INTO clue_text (rowid, user_name, page_name) VALUES (last_insert_rowid(), NEW.user_name, NEW.page_name);
END;
CREATE TRIGGER clue_text_update AFTER UPDATE OF user_name, page_name ON clues
	WHEN OLD.user_name IS NOT NEW.user_name OR OLD.page_name IS NOT NEW.page_name BEGIN
	DELETE FROM clue_text WHERE rowid = (SELECT seq FROM clue_seq WHERE id = NEW.id);
	INSERT INTO clue_text (rowid, user_name, page_name)
		SELECT seq, NEW.user_name, NEW.page_name FROM clue_seq WHERE id = NEW.id;
END;
CREATE TRIGGER clue_text_delete AFTER DELETE ON clues BEGIN
	DELETE FROM clue_text WHERE rowid = (SELECT seq FROM clue_seq WHERE id = OLD.id);
	DELETE FROM clue_seq WHERE id = OLD.id;
END;

CREATE TABLE console_sessions (
	id_hash    TEXT PRIMARY KEY,
	user_name  TEXT NOT NULL,
	role       TEXT NOT NULL,
	csrf       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);

CREATE TABLE login_failures (
	name TEXT NOT NULL,
	at   INTEGER NOT NULL
);
CREATE INDEX login_failures_name ON login_failures (name, at);
CREATE INDEX login_failures_at ON login_failures (at);

CREATE TABLE audit_log (
	id        INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL,
	user_name TEXT NOT NULL,
	action    TEXT NOT NULL,
	target    TEXT NOT NULL,
	detail    TEXT NOT NULL
);

CREATE TABLE clue_marks (
	clue_id TEXT PRIMARY KEY REFERENCES clues (id) ON DELETE CASCADE,
	status  TEXT NOT NULL,
	by_user TEXT NOT NULL,
	at      INTEGER NOT NULL
) WITHOUT ROWID;
`)
