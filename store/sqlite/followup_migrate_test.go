package sqlite

import (
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// TestFollowupMigrationKeepsTheOutbox: the outbox rebuilt unique per kind
// keeps its rows, their ids and the clues' counts, and its triggers count
// the rows that come after.
func TestFollowupMigrationKeepsTheOutbox(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cluebot.db")
	abs, fresh, err := prepareFile(path)
	require.NoError(t, err)
	require.True(t, fresh)
	require.NoError(t, initFile(t.Context(), abs))
	db, err := openPool(t.Context(), dsn(abs, false), 1)
	require.NoError(t, err)
	// The schema before migration 11, the follow-up timers.
	require.NoError(t, migrate(t.Context(), db, migrations[:10], slog.New(slog.DiscardHandler)))
	_, err = db.ExecContext(t.Context(), `INSERT INTO clues (id, advertiser_id, create_time, update_time,
		intention_id, phone_stat, schedule_id, clue_tag, source_type, page_id, page_name, user_name, phone,
		province, city, store, raw, first_seen, last_updated)
		VALUES ('1', 7, 1000, 1000, 3, 1, 7, 2, 5, 'p', '页', '张三', '138', '省', '市', '店', '{}', 2000, 2000);
		INSERT INTO outbox (id, clue_id, route, receiver, assignee, state, next_at, created_at, sent_at)
		VALUES (5, '1', 'hot', 'sales', '李四', 'sent', 3000, 3000, 4000),
		       (9, '1', 'hot', 'managers', '李四', 'pending', 3000, 3000, 0);`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	s := openTemp(t, path)
	items, err := s.OutboxItems(t.Context(), "1")
	require.NoError(t, err)
	require.Len(t, items, 2)
	require.Equal(t, []int64{5, 9}, []int64{items[0].ID, items[1].ID})
	require.Equal(t, store.OutboxSent, items[0].State)
	require.Equal(t, store.KindAlert, items[1].Kind)
	c, err := s.Clue(t.Context(), "1")
	require.NoError(t, err)
	require.Equal(t, []int{1, 1, 0}, []int{c.Sent, c.Pending, c.Dead})

	// A reminder to the same receiver sits beside its alert and is counted.
	_, err = s.write.ExecContext(t.Context(), `INSERT INTO followups (clue_id, route, advertiser_id, assignee, sent_at)
		VALUES ('1', 'hot', 7, '李四', 4000)`)
	require.NoError(t, err)
	at := time.UnixMilli(10000)
	require.NoError(t, s.ScheduleFollowup(t.Context(), "1", "hot", at, time.Time{}, time.Time{}))
	ok, err := s.FireFollowup(t.Context(), store.FollowupSend{ClueID: "1", Route: "hot", Kind: store.KindReminder,
		Assignee: "李四", Receivers: []string{"sales"}, At: at})
	require.NoError(t, err)
	require.True(t, ok)
	c, err = s.Clue(t.Context(), "1")
	require.NoError(t, err)
	require.Equal(t, []int{1, 2, 0}, []int{c.Sent, c.Pending, c.Dead})
}
