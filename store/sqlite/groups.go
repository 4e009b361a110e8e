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
var quarterMillis = strconv.FormatInt(int64(store.Quarter/time.Millisecond), 10)

// groupRowsSQL counts the clues of a range by every column a report
// breaks down by at once (see store.GroupRow); the quarter is a floor
// division, right for times before 1970 too.
const groupRowsSQL = `SELECT page_name, city, intention_id, source_type, phone_stat,
	create_time / %[1]s - (create_time %% %[1]s < 0), routed_at <> 0, routes,
	outbox_sent > 0, outbox_pending > 0, outbox_dead > 0, count(*) FROM clues%[2]s
	GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11`

// CountClueGroups counts the clues matching f by each column of by and by
// routing: one GROUP BY over the range by all of them, one sort, whose rows
// are added up by column.
func (s *Store) CountClueGroups(ctx context.Context, f store.ClueFilter, by ...store.GroupBy) ([]store.ClueGroup, error) {
	fold, err := store.NewGroupFolder(by)
	if err != nil {
		return nil, err
	}
	cond, args := where(f)
	rows, err := s.read.QueryContext(ctx, fmt.Sprintf(groupRowsSQL, quarterMillis, cond), args...)
	if err != nil {
		return nil, fmt.Errorf("count clue groups: %w", err)
	}
	defer rows.Close()
	var r store.GroupRow
	for rows.Next() {
		var routes sql.NullString
		err := rows.Scan(&r.PageName, &r.City, &r.IntentionID, &r.SourceType, &r.PhoneStat, &r.Quarter,
			&r.Routed, &routes, &r.Sent, &r.Pending, &r.Dead, &r.Count)
		if err != nil {
			return nil, fmt.Errorf("count clue groups: %w", err)
		}
		r.Routes = nil
		if routes.Valid {
			r.Routes = strings.Split(routes.String, listSep)
		}
		fold.Add(&r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count clue groups: %w", err)
	}
	return fold.Groups(), nil
}
