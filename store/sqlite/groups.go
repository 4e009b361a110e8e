package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cluebot/cluebot/store"
)

// quarterMillis is store.Quarter in the unit of create_time.
const quarterMillis = int64(store.Quarter / time.Millisecond)

// groupValue returns the SQL of a group's text and code for column g.
func groupValue(g store.GroupBy) (text, code string) {
	q := strconv.FormatInt(quarterMillis, 10)
	switch g {
	case store.GroupPage:
		return "page_name", "0"
	case store.GroupCity:
		return "city", "0"
	case store.GroupIntention:
		return "''", "intention_id"
	case store.GroupSource:
		return "''", "source_type"
	case store.GroupCall:
		return "''", "phone_stat"
	case store.GroupQuarter:
		// Floor division, for times before 1970 too.
		return "''", "create_time / " + q + " - (create_time % " + q + " < 0)"
	default: // store.GroupDelivery
		return "''", "(outbox_sent > 0) + 2 * (outbox_pending > 0) + 4 * (outbox_dead > 0)"
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
	cond, condArgs := where(f)
	parts := make([]string, len(by))
	var args []any
	for i, g := range by {
		text, code := groupValue(g)
		parts[i] = fmt.Sprintf(`SELECT %d, %s, %s, routed_at <> 0, routes, count(*) FROM clues%s GROUP BY 2, 3, 4, 5`,
			int(g), text, code, cond)
		args = append(args, condArgs...)
	}
	rows, err := s.read.QueryContext(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return nil, fmt.Errorf("count clue groups: %w", err)
	}
	defer rows.Close()
	var out []store.ClueGroup
	for rows.Next() {
		var g store.ClueGroup
		var code int64
		var routes sql.NullString
		if err := rows.Scan(&g.By, &g.Text, &code, &g.Routed, &routes, &g.Count); err != nil {
			return nil, fmt.Errorf("count clue groups: %w", err)
		}
		g.SetCode(code)
		if routes.Valid {
			g.Routes = strings.Split(routes.String, listSep)
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count clue groups: %w", err)
	}
	return out, nil
}
