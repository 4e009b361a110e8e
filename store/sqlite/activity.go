package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/store"
)

// activitySQL reads accounts' activity in one statement: ?2 is a JSON array
// of ids, ?1 the start of today. Each account's newest clue (max(), which
// SQLite answers from one end of an index range) and today's count are
// ranges of the index clues_advertiser_create_time, so the cost grows with
// the accounts and today's clues, not with every clue stored.
const activitySQL = `SELECT a.value, coalesce(s.last_run_at, 0), coalesce(s.last_success_at, 0),
	coalesce(s.last_error, ''),
	coalesce((SELECT max(c.create_time) FROM clues c WHERE c.advertiser_id = a.value), 0),
	(SELECT count(*) FROM clues c WHERE c.advertiser_id = a.value AND c.create_time >= ?1)
	FROM json_each(?2) a LEFT JOIN sync_state s ON s.advertiser_id = a.value`

// AccountActivity implements store.AccountActivities.
func (s *Store) AccountActivity(ctx context.Context, ids []int64, since time.Time) ([]store.AccountActivity, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("account activity: %w", err)
	}
	rows, err := s.read.QueryContext(ctx, activitySQL, toMillis(since), string(list))
	if err != nil {
		return nil, fmt.Errorf("account activity: %w", err)
	}
	defer rows.Close()
	out := make([]store.AccountActivity, 0, len(ids))
	for rows.Next() {
		var a store.AccountActivity
		var lastRun, lastSuccess, lastClue int64
		if err := rows.Scan(&a.AdvertiserID, &lastRun, &lastSuccess, &a.Error, &lastClue, &a.CluesToday); err != nil {
			return nil, fmt.Errorf("account activity: %w", err)
		}
		a.LastPull, a.LastSuccess, a.LastClue = fromMillis(lastRun), fromMillis(lastSuccess), fromMillis(lastClue)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("account activity: %w", err)
	}
	return out, nil
}
