package postgres

// followupSchema is the migration after the console's: the follow-up
// timers, and the outbox unique on (clue_id, route, receiver, kind), so a
// reminder or an escalation of a lead never collides with its alert to the
// same receiver. See store/sqlite/followup_schema.go for the columns.
var followupSchema = execSQL(`
ALTER TABLE outbox DROP CONSTRAINT outbox_clue_id_route_receiver_key;
ALTER TABLE outbox ADD CONSTRAINT outbox_clue_route_receiver_kind_key UNIQUE (clue_id, route, receiver, kind);

CREATE TABLE followups (
	clue_id      text COLLATE "C" NOT NULL REFERENCES clues (id) ON DELETE CASCADE,
	route        text NOT NULL,
	advertiser_id bigint NOT NULL,
	assignee     text NOT NULL,
	sent_at      timestamptz NOT NULL,
	scheduled    integer NOT NULL DEFAULT 0,
	remind_due   timestamptz NOT NULL DEFAULT '-infinity',
	escalate_due timestamptz NOT NULL DEFAULT '-infinity',
	next_due     timestamptz NOT NULL DEFAULT '-infinity',
	done_at      timestamptz NOT NULL DEFAULT '-infinity',
	reminded     integer NOT NULL DEFAULT 0,
	escalated    integer NOT NULL DEFAULT 0,
	PRIMARY KEY (clue_id, route)
);
CREATE INDEX followups_unscheduled ON followups (sent_at) WHERE scheduled = 0;
CREATE INDEX followups_due ON followups (next_due) WHERE scheduled = 1 AND done_at = '-infinity' AND next_due > '-infinity';
CREATE INDEX followups_account ON followups (advertiser_id) WHERE scheduled = 1 AND done_at = '-infinity' AND next_due > '-infinity';
`)
