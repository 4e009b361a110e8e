package postgres

// migrations lists every schema change in order: migrations[i] moves the
// schema from version i to i+1. Append new ones at the end; never edit,
// reorder or remove one that has shipped. The versions match store/sqlite's:
// version 2 is routing and delivery, 3 pacing and 4 account leases, in both.
var migrations = []migration{
	// 1: clues with their history, per-account sync state and tokens. The
	// zero time is '-infinity' (see the package comment).
	execSQL(`
CREATE TABLE clues (
	id            text COLLATE "C" PRIMARY KEY,
	advertiser_id bigint NOT NULL,
	create_time   timestamptz NOT NULL,
	update_time   timestamptz NOT NULL,
	intention_id  bigint NOT NULL,
	phone_stat    bigint NOT NULL,
	schedule_id   bigint NOT NULL,
	clue_tag      bigint NOT NULL,
	source_type   bigint NOT NULL,
	page_id       text NOT NULL,
	page_name     text NOT NULL,
	user_name     text NOT NULL,
	phone         text NOT NULL,
	province      text NOT NULL,
	city          text NOT NULL,
	store         text NOT NULL,
	raw           bytea NOT NULL,
	first_seen    timestamptz NOT NULL,
	last_updated  timestamptz NOT NULL
);
CREATE INDEX clues_create_time ON clues (create_time, id);
CREATE INDEX clues_advertiser_create_time ON clues (advertiser_id, create_time, id);

CREATE TABLE clue_history (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	clue_id      text COLLATE "C" NOT NULL REFERENCES clues (id) ON DELETE CASCADE,
	changed_at   timestamptz NOT NULL,
	update_time  timestamptz NOT NULL,
	intention_id bigint NOT NULL,
	phone_stat   bigint NOT NULL,
	schedule_id  bigint NOT NULL
);
CREATE INDEX clue_history_clue_id ON clue_history (clue_id, id);

CREATE TABLE sync_state (
	advertiser_id   bigint PRIMARY KEY,
	synced_to       timestamptz NOT NULL,
	last_run_at     timestamptz NOT NULL,
	last_success_at timestamptz NOT NULL,
	last_error      text NOT NULL
);

CREATE TABLE tokens (
	advertiser_id      bigint PRIMARY KEY,
	access_token       text NOT NULL,
	refresh_token      text NOT NULL,
	access_expires_at  timestamptz NOT NULL,
	refresh_expires_at timestamptz NOT NULL,
	seed               text NOT NULL,
	updated_at         timestamptz NOT NULL
);
`),
	// 2: routing and delivery, as in store/sqlite. A clue is routed once
	// routed_at is not '-infinity'; the partial index keeps the clues still
	// to route at hand. The outbox's partial indexes hold only pending or
	// dead rows, so they stay small while sent rows pile up; outbox_claim
	// serves a claim's order (next_at, id) without sorting.
	execSQL(`
ALTER TABLE clues ADD COLUMN routed_at timestamptz NOT NULL DEFAULT '-infinity';
ALTER TABLE clues ADD COLUMN routes text[];
ALTER TABLE clues ADD COLUMN assignees text[];
ALTER TABLE clues ADD COLUMN outbox_sent integer NOT NULL DEFAULT 0;
ALTER TABLE clues ADD COLUMN outbox_pending integer NOT NULL DEFAULT 0;
ALTER TABLE clues ADD COLUMN outbox_dead integer NOT NULL DEFAULT 0;
CREATE INDEX clues_unrouted ON clues (first_seen, id) WHERE routed_at = '-infinity';

CREATE TABLE outbox (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	clue_id     text COLLATE "C" NOT NULL REFERENCES clues (id) ON DELETE CASCADE,
	route       text NOT NULL,
	receiver    text COLLATE "C" NOT NULL,
	assignee    text NOT NULL,
	state       text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
	attempts    integer NOT NULL DEFAULT 0,
	next_at     timestamptz NOT NULL,
	last_error  text NOT NULL DEFAULT '',
	created_at  timestamptz NOT NULL,
	sent_at     timestamptz NOT NULL DEFAULT '-infinity',
	lease_owner text NOT NULL DEFAULT '',
	lease_until timestamptz NOT NULL DEFAULT '-infinity',
	UNIQUE (clue_id, route, receiver)
);
CREATE INDEX outbox_claim ON outbox (receiver, next_at, id) WHERE state = 'pending';
CREATE INDEX outbox_pending ON outbox (created_at) WHERE state = 'pending';
CREATE INDEX outbox_dead ON outbox (created_at) WHERE state = 'dead';

-- outbox_count adds per-clue deltas to the clues' outbox counts, locking
-- the clues in id order first: deliverers marking rows of the same clues
-- at once never wait on each other in a cycle.
CREATE FUNCTION outbox_count(clue_ids text[], sent bigint[], pending bigint[], dead bigint[])
RETURNS void LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	PERFORM 1 FROM clues WHERE id = ANY (clue_ids) ORDER BY id FOR NO KEY UPDATE;
	UPDATE clues c SET outbox_sent = c.outbox_sent + d.sent, outbox_pending = c.outbox_pending + d.pending,
		outbox_dead = c.outbox_dead + d.dead
	FROM unnest(clue_ids, sent, pending, dead) AS d (id, sent, pending, dead) WHERE c.id = d.id;
END $$;

CREATE FUNCTION outbox_count_insert() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	PERFORM outbox_count(array_agg(clue_id), array_agg(sent), array_agg(pending), array_agg(dead))
	FROM (SELECT clue_id, count(*) FILTER (WHERE state = 'sent') AS sent,
		count(*) FILTER (WHERE state = 'pending') AS pending, count(*) FILTER (WHERE state = 'dead') AS dead
		FROM new_rows GROUP BY clue_id) d HAVING count(*) > 0;
	RETURN NULL;
END $$;

CREATE FUNCTION outbox_count_delete() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	PERFORM outbox_count(array_agg(clue_id), array_agg(-sent), array_agg(-pending), array_agg(-dead))
	FROM (SELECT clue_id, count(*) FILTER (WHERE state = 'sent') AS sent,
		count(*) FILTER (WHERE state = 'pending') AS pending, count(*) FILTER (WHERE state = 'dead') AS dead
		FROM old_rows GROUP BY clue_id) d HAVING count(*) > 0;
	RETURN NULL;
END $$;

-- Claims and releases update rows without changing their state: the join
-- finds nothing and no clue is touched.
CREATE FUNCTION outbox_count_update() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	PERFORM outbox_count(array_agg(clue_id), array_agg(sent), array_agg(pending), array_agg(dead))
	FROM (SELECT n.clue_id, sum((n.state = 'sent')::int - (o.state = 'sent')::int)::bigint AS sent,
		sum((n.state = 'pending')::int - (o.state = 'pending')::int)::bigint AS pending,
		sum((n.state = 'dead')::int - (o.state = 'dead')::int)::bigint AS dead
		FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE o.state <> n.state GROUP BY n.clue_id) d
	HAVING count(*) > 0;
	RETURN NULL;
END $$;

CREATE TRIGGER outbox_count_insert AFTER INSERT ON outbox REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION outbox_count_insert();
CREATE TRIGGER outbox_count_delete AFTER DELETE ON outbox REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION outbox_count_delete();
CREATE TRIGGER outbox_count_update AFTER UPDATE ON outbox REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION outbox_count_update();

CREATE TABLE rotation (
	route    text COLLATE "C" PRIMARY KEY,
	position bigint NOT NULL
);
`),
	// 3: robots' send log and pauses, shared by every process pacing sends
	// to the same robot; rows older than the pacing window are pruned.
	execSQL(`
CREATE TABLE send_log (
	receiver text COLLATE "C" NOT NULL,
	sent_at  timestamptz NOT NULL
);
CREATE INDEX send_log_receiver ON send_log (receiver, sent_at);
CREATE TABLE receiver_pause (
	receiver text COLLATE "C" PRIMARY KEY,
	until    timestamptz NOT NULL
);
`),
	// 4: each account's poll schedule and pull lease, shared by instances.
	execSQL(`
CREATE TABLE account_poll (
	advertiser_id bigint PRIMARY KEY,
	next_poll_at  timestamptz NOT NULL DEFAULT '-infinity',
	quiet_polls   integer NOT NULL DEFAULT 0,
	lease_owner   text NOT NULL DEFAULT '',
	lease_until   timestamptz NOT NULL DEFAULT '-infinity'
);
CREATE INDEX account_poll_due ON account_poll (next_poll_at, advertiser_id);
`),
	// 5: authorizations, the advertisers each covers, OAuth states (auth.go).
	execSQL(authSchema),
	// 6: every version of the rules, the newest in force, and the hash of
	// the rules file text last seen (one row).
	execSQL(`
CREATE TABLE rules_versions (
	id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	author  text NOT NULL,
	comment text NOT NULL,
	at      timestamptz NOT NULL,
	hash    text NOT NULL,
	text    text NOT NULL
);
CREATE TABLE rules_file (
	id   integer PRIMARY KEY CHECK (id = 1),
	hash text NOT NULL
);
`),
	// 7: the console's sessions, audit log, marks and search indexes.
	consoleSchema,
	// 8: the key that signs mark links (one row, see marklink.go).
	execSQL(`
CREATE TABLE mark_link_key (
	id  integer PRIMARY KEY CHECK (id = 1),
	key bytea NOT NULL
);
`),
	// 9: marks written back to the vendor (kuaishou.write_back).
	execSQL(`
CREATE TABLE mark_writeback (
	clue_id    text COLLATE "C" PRIMARY KEY REFERENCES clues (id) ON DELETE CASCADE,
	mark_at    timestamptz NOT NULL,
	state      text NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
	attempts   integer NOT NULL,
	next_at    timestamptz NOT NULL,
	last_error text NOT NULL
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
	WHERE scheduled = 1 AND done_at = '-infinity';`),
	// 13: the clues in the order they were stored, so that a rules replay
	// reads the leads stored in its window (store.ClueFilter.ByFirstSeen)
	// from a range of the index, in its order, however many are stored.
	execSQL(`CREATE INDEX clues_first_seen ON clues (first_seen, id);`),
}
