package sqlstore

import (
	"context"
	"fmt"

	"github.com/cluebot/cluebot/store"
)

// CountClueGroups counts the clues matching f by each column of by and by
// routing: one GROUP BY over the range by every column a report breaks
// down by at once (see store.GroupRow), whose rows are added up by column.
func (s *Common) CountClueGroups(ctx context.Context, f store.ClueFilter, by ...store.GroupBy) ([]store.ClueGroup, error) {
	fold, err := store.NewGroupFolder(by)
	if err != nil {
		return nil, err
	}
	cond, args := s.d.Where(f)
	rows, err := s.read.Query(ctx, `SELECT page_name, city, intention_id, source_type, phone_stat, `+s.d.Quarter+`,
		routed_at <> `+s.d.Zero+`, routes, outbox_sent > 0, outbox_pending > 0, outbox_dead > 0, count(*)
		FROM clues`+cond+` GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11`, args...)
	if err != nil {
		return nil, fmt.Errorf("count clue groups: %w", err)
	}
	defer rows.Close()
	var r store.GroupRow
	for rows.Next() {
		err := rows.Scan(&r.PageName, &r.City, &r.IntentionID, &r.SourceType, &r.PhoneStat, &r.Quarter,
			&r.Routed, s.d.ScanList(&r.Routes), &r.Sent, &r.Pending, &r.Dead, &r.Count)
		if err != nil {
			return nil, fmt.Errorf("count clue groups: %w", err)
		}
		fold.Add(&r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count clue groups: %w", err)
	}
	return fold.Groups(), nil
}
