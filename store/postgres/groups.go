package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
)

// groupValue returns the SQL of a group's text and code for column g (see
// store.ClueGroup.SetCode).
func groupValue(g store.GroupBy) (text, code string) {
	switch g {
	case store.GroupPage:
		return "page_name", "0::bigint"
	case store.GroupCity:
		return "city", "0::bigint"
	case store.GroupIntention:
		return "''::text", "intention_id"
	case store.GroupSource:
		return "''::text", "source_type"
	case store.GroupCall:
		return "''::text", "phone_stat"
	case store.GroupQuarter:
		q := strconv.Itoa(int(store.Quarter.Seconds()))
		return "''::text", "floor(extract(epoch FROM create_time) / " + q + ")::bigint"
	default: // store.GroupDelivery
		return "''::text", "(outbox_sent > 0)::int + 2 * (outbox_pending > 0)::int + 4 * (outbox_dead > 0)::int"
	}
}

// CountClueGroups counts the clues matching f by each column of by and by
// routing: one statement, a GROUP BY over the range for each column.
func (s *Store) CountClueGroups(ctx context.Context, f store.ClueFilter, by ...store.GroupBy) ([]store.ClueGroup, error) {
	if err := store.CheckGroupings(by); err != nil {
		return nil, err
	}
	if len(by) == 0 {
		return nil, nil
	}
	cond, args := where(f)
	parts := make([]string, len(by))
	for i, g := range by {
		text, code := groupValue(g)
		parts[i] = fmt.Sprintf(`SELECT %d, %s, %s::bigint, routed_at <> '-infinity', routes, count(*)::bigint FROM clues%s GROUP BY 2, 3, 4, 5`,
			int(g), text, code, cond)
	}
	rows, err := s.pool.Query(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return nil, fmt.Errorf("count clue groups: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.ClueGroup, error) {
		var g store.ClueGroup
		var by int
		var code int64
		err := r.Scan(&by, &g.Text, &code, &g.Routed, &g.Routes, &g.Count)
		g.By = store.GroupBy(by)
		g.SetCode(code)
		if len(g.Routes) == 0 {
			g.Routes = nil
		}
		return g, err
	})
	if err != nil {
		return nil, fmt.Errorf("count clue groups: %w", err)
	}
	return out, nil
}
