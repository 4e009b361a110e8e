package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
)

// activitySQL reads accounts' activity in one statement: $1 are the ids, $2
// the start of today. Each account's newest clue and today's count are
// ranges of the index clues_advertiser_create_time, so the cost grows with
// the accounts and today's clues, not with every clue stored.
const activitySQL = `SELECT a.id, coalesce(s.last_run_at, '-infinity'), coalesce(s.last_success_at, '-infinity'),
	coalesce(s.last_error, ''),
	coalesce((SELECT max(c.create_time) FROM clues c WHERE c.advertiser_id = a.id), '-infinity'),
	(SELECT count(*) FROM clues c WHERE c.advertiser_id = a.id AND c.create_time >= $2)
	FROM unnest($1::bigint[]) AS a (id) LEFT JOIN sync_state s ON s.advertiser_id = a.id`

// AccountActivity implements store.AccountActivities.
func (s *Store) AccountActivity(ctx context.Context, ids []int64, since time.Time) ([]store.AccountActivity, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, activitySQL, ids, stamp(since))
	if err != nil {
		return nil, fmt.Errorf("account activity: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.AccountActivity, error) {
		var a store.AccountActivity
		err := r.Scan(&a.AdvertiserID, (*stamp)(&a.LastPull), (*stamp)(&a.LastSuccess), &a.Error,
			(*stamp)(&a.LastClue), &a.CluesToday)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("account activity: %w", err)
	}
	return out, nil
}
