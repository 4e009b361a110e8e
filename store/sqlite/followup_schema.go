package sqlite

// followupSchema is the migration after the console's: the follow-up timers, and the outbox
// unique on (clue_id, route, receiver, kind), so a reminder or an
// escalation of a lead never collides with its alert to the same receiver.
//
// SQLite cannot drop a table's UNIQUE constraint, so the outbox is rebuilt
// with its rows kept (ids too); its indexes and triggers are made again.
// DROP TABLE fires no trigger, so the clues' outbox counts stay as they are.
//
// A followups row is started by MarkSent when a lead's alert goes out
// (scheduled 0); the follow-up job then sets its due times from the rules
// (or deletes it when the route has no followup). next_due is the next time
// it fires, 0 when nothing is left; done_at is when the lead was followed up.
var followupSchema = execSQL(`
CREATE TABLE outbox_new (
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
	kind        TEXT NOT NULL DEFAULT 'alert' CHECK (kind IN ('alert', 'reminder', 'escalation')),
	UNIQUE (clue_id, route, receiver, kind)
);
INSERT INTO outbox_new (id, clue_id, route, receiver, assignee, state, attempts, next_at, last_error,
	created_at, sent_at, lease_owner, lease_until, kind)
SELECT id, clue_id, route, receiver, assignee, state, attempts, next_at, last_error,
	created_at, sent_at, lease_owner, lease_until, kind FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
` + outboxIndexesSQL + `
CREATE TABLE followups (
	clue_id      TEXT NOT NULL REFERENCES clues (id) ON DELETE CASCADE,
	route        TEXT NOT NULL,
	advertiser_id INTEGER NOT NULL,
	assignee     TEXT NOT NULL,
	sent_at      INTEGER NOT NULL,
	scheduled    INTEGER NOT NULL DEFAULT 0,
	remind_due   INTEGER NOT NULL DEFAULT 0,
	escalate_due INTEGER NOT NULL DEFAULT 0,
	next_due     INTEGER NOT NULL DEFAULT 0,
	done_at      INTEGER NOT NULL DEFAULT 0,
	reminded     INTEGER NOT NULL DEFAULT 0,
	escalated    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (clue_id, route)
) WITHOUT ROWID;
CREATE INDEX followups_unscheduled ON followups (sent_at) WHERE scheduled = 0;
CREATE INDEX followups_due ON followups (next_due) WHERE scheduled = 1 AND done_at = 0 AND next_due > 0;
CREATE INDEX followups_account ON followups (advertiser_id) WHERE scheduled = 1 AND done_at = 0 AND next_due > 0;
`)
