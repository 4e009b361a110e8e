package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/sqlstore"
)

// createBatchTable gives a new connection the temporary table UpsertClues
// copies a batch into; its rows go at the end of each transaction.
func createBatchTable(ctx context.Context, conn *pgx.Conn) error {
	_, err := conn.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS clue_batch (
	seq integer NOT NULL, id text COLLATE "C" NOT NULL, advertiser_id bigint NOT NULL,
	create_time timestamptz NOT NULL, update_time timestamptz NOT NULL, intention_id bigint NOT NULL,
	phone_stat bigint NOT NULL, schedule_id bigint NOT NULL, clue_tag bigint NOT NULL,
	source_type bigint NOT NULL, page_id text NOT NULL, page_name text NOT NULL, user_name text NOT NULL,
	phone text NOT NULL, province text NOT NULL, city text NOT NULL, store text NOT NULL,
	raw bytea NOT NULL) ON COMMIT DELETE ROWS`)
	if err != nil {
		return fmt.Errorf("create batch table: %w", err)
	}
	return nil
}

var (
	// batchColumns are the columns of clue_batch: the clue's position in
	// the batch, its id and the columns a caller supplies.
	batchColumns = append([]string{"seq", "id"}, clueColumns...)

	// insertNewSQL inserts the first copy of each id of the batch that is
	// not stored yet, in id order, first seen and last updated at $1, and
	// returns the ids it inserted. An id another transaction is inserting
	// waits for it to finish, and is then stored or inserted here.
	insertNewSQL = `INSERT INTO clues (id, ` + strings.Join(clueColumns, ", ") + `, first_seen, last_updated)
		SELECT DISTINCT ON (id) id, ` + strings.Join(clueColumns, ", ") + `, $1, $1
		FROM pg_temp.clue_batch ORDER BY id, seq ON CONFLICT (id) DO NOTHING RETURNING id`

	// lockStoredSQL locks, in id order, the stored clues with the ids $1
	// that differ from a copy of theirs in clue_batch, and reads their
	// tracked values as last committed. Clues identical to every copy are
	// neither locked nor written: an unchanged re-pull costs no write.
	lockStoredSQL = `SELECT c.id, c.update_time, c.intention_id, c.phone_stat, c.schedule_id
		FROM clues c WHERE c.id = ANY ($1) AND EXISTS (SELECT FROM pg_temp.clue_batch b
			WHERE b.id = c.id AND ` + differs + `)
		ORDER BY c.id FOR NO KEY UPDATE OF c`

	// updateSQL overwrites the clues with the ids $1 with their copies at
	// the batch positions $2, only where a column differs; $3 tells which
	// ones had a tracked change and are last updated at $4. The clues are
	// found by id: clue_batch has no statistics to plan a join with.
	updateSQL = `UPDATE clues c SET ` + assign(clueColumns) + `,
		last_updated = CASE WHEN u.touched THEN $4 ELSE c.last_updated END
		FROM pg_temp.clue_batch b JOIN unnest($2::integer[], $3::boolean[]) AS u (seq, touched) ON b.seq = u.seq
		WHERE c.id = ANY ($1) AND c.id = b.id AND (u.touched OR ` + differs + `)`

	// differs compares a clue c with a copy b in clue_batch.
	differs = `(c.` + strings.Join(clueColumns, ", c.") + `) IS DISTINCT FROM (b.` + strings.Join(clueColumns, ", b.") + `)`

	// historyColumns are the clue_history columns UpsertClues writes.
	historyColumns = []string{"clue_id", "changed_at", "update_time", "intention_id", "phone_stat", "schedule_id"}
)

// assign returns "col = b.col" for each column, comma-separated.
func assign(cols []string) string {
	set := make([]string, len(cols))
	for i, col := range cols {
		set[i] = col + " = b." + col
	}
	return strings.Join(set, ", ")
}

// UpsertClues stores clues in one transaction: new ids are inserted, a
// tracked change (see store.Clue.Changed) writes a history row with the old
// values and updates the clue and its last_updated, and any other difference
// only refreshes the stored columns. Repeated ids in clues are applied in
// order, as if upserted one after the other.
//
// The batch travels once, by COPY into a temporary table. New ids are
// inserted from it and the stored ones locked, both in id order, so that
// concurrent upserts of the same ids, from any process, apply one after the
// other without deadlocking; what each id ends up as is worked out in
// memory and written with one UPDATE and one COPY of history rows.
func (s *Store) UpsertClues(ctx context.Context, clues []store.Clue) (store.UpsertStats, error) {
	if len(clues) == 0 {
		return store.UpsertStats{}, nil
	}
	for i := range clues {
		if id := clues[i].ID; id == "" || !utf8.ValidString(id) || strings.ContainsRune(id, 0) {
			return store.UpsertStats{}, fmt.Errorf("upsert clue %q: id must be non-empty UTF-8 without NUL", id)
		}
	}
	now := atStore(s.now())
	var p sqlstore.Plan
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"pg_temp", "clue_batch"}, batchColumns,
			pgx.CopyFromSlice(len(clues), func(i int) ([]any, error) { return batchRow(i, &clues[i]), nil }))
		if err != nil {
			return fmt.Errorf("copy batch: %w", err)
		}
		stored, err := lockClues(ctx, tx, clues, now)
		if err != nil {
			return err
		}
		p = dialect.MakePlan(clues, stored, now)
		return writePlan(ctx, tx, &p, now)
	})
	if err != nil {
		return store.UpsertStats{}, fmt.Errorf("upsert clues: %w", err)
	}
	return p.Stats, nil
}

// batchRow returns the clue_batch row of c at position i of its batch.
func batchRow(i int, c *store.Clue) []any {
	raw := c.Raw
	if raw == nil {
		raw = []byte{} // NOT NULL, as SQLite stores it
	}
	return []any{int32(i), c.ID, c.AdvertiserID, stamp(c.CreateTime), stamp(c.UpdateTime), c.IntentionID,
		c.PhoneStat, c.ScheduleID, c.ClueTag, c.SourceType, c.PageID, c.PageName, c.UserName, c.Phone,
		c.Province, c.City, c.Store, raw}
}

// lockClues inserts the ids of the batch in clue_batch that are not stored
// yet and locks the stored ones that differ from it, and returns what each
// id is stored as before the rest of the batch applies; the ids it
// inserted are left out, as new.
//
// The insert waits for concurrent inserts of the same ids and the lock for
// concurrent changes, so each id's upserts apply one after the other. A
// stored clue found identical to the batch without a lock is as if this
// upsert ran first; one deleted meanwhile counts as unchanged, as if the
// deletion ran after.
func lockClues(ctx context.Context, tx pgx.Tx, clues []store.Clue, now time.Time) (map[string]sqlstore.Stored, error) {
	rows, err := tx.Query(ctx, insertNewSQL, stamp(now))
	if err != nil {
		return nil, fmt.Errorf("insert new clues: %w", err)
	}
	inserted, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("insert new clues: %w", err)
	}
	stored := make(map[string]sqlstore.Stored, len(clues))
	for _, id := range inserted {
		stored[id] = sqlstore.Stored{} // held until the rest is known, then left out
	}
	var rest []string
	for i := range clues {
		id := clues[i].ID
		if _, ok := stored[id]; !ok {
			stored[id] = sqlstore.Stored{Tracked: dialect.TrackedOf(&clues[i]), Same: true}
			rest = append(rest, id)
		}
	}
	for _, id := range inserted {
		delete(stored, id)
	}
	if len(rest) == 0 {
		return stored, nil
	}
	rows, err = tx.Query(ctx, lockStoredSQL, rest)
	if err != nil {
		return nil, fmt.Errorf("lock stored clues: %w", err)
	}
	var id string
	var update time.Time
	var t sqlstore.Tracked
	_, err = pgx.ForEachRow(rows, []any{&id, (*stamp)(&update), &t.IntentionID, &t.PhoneStat, &t.ScheduleID},
		func() error {
			t.UpdateTime = sqlstore.MillisOf(update)
			stored[id] = sqlstore.Stored{Tracked: t}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("lock stored clues: %w", err)
	}
	return stored, nil
}
