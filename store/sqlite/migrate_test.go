package sqlite

import (
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/storetest"
)

// TestMigrateKeepsClues checks that clues stored before routing existed read
// back unrouted after the upgrade and can then be routed.
func TestMigrateKeepsClues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cluebot.db")
	abs, fresh, err := prepareFile(path)
	require.NoError(t, err)
	require.True(t, fresh)
	require.NoError(t, initFile(t.Context(), abs))
	db, err := openPool(t.Context(), dsn(abs, false), 1)
	require.NoError(t, err)
	require.NoError(t, migrate(t.Context(), db, migrations[:1], slog.New(slog.DiscardHandler)))
	_, err = db.ExecContext(t.Context(), `INSERT INTO clues (id, advertiser_id, create_time, update_time,
		intention_id, phone_stat, schedule_id, clue_tag, source_type, page_id, page_name, user_name, phone,
		province, city, store, raw, first_seen, last_updated)
		VALUES ('1', 7, 1000, 1000, 3, 1, 7, 2, 5, 'p', '页', '张三', '138', '省', '市', '店', '{}', 2000, 2000)`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	storetest.MigratedClue(t, openTemp(t, path))
}

// TestOutboxCountsFollowDeletes checks that the counts on a clue follow its
// outbox rows when rows are deleted, one at a time or with the clue.
func TestOutboxCountsFollowDeletes(t *testing.T) {
	s := openTemp(t, filepath.Join(t.TempDir(), "cluebot.db"))
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	clues := storetest.BenchClues(0, 2, 3)
	_, err := s.UpsertClues(t.Context(), clues)
	require.NoError(t, err)
	for _, c := range clues {
		saved, err := s.SaveRouting(t.Context(), store.Routing{ClueID: c.ID, RoutedAt: at,
			Results: []store.RouteResult{{Route: "r", Receivers: []string{"a", "b", "c"}}}})
		require.NoError(t, err)
		require.True(t, saved)
	}
	items, err := s.OutboxItems(t.Context(), clues[0].ID)
	require.NoError(t, err)
	require.NoError(t, s.MarkSent(t.Context(), []int64{items[0].ID}, at))
	require.NoError(t, s.MarkDead(t.Context(), []int64{items[1].ID}, "gone"))

	_, err = s.write.ExecContext(t.Context(), `DELETE FROM outbox WHERE id = ?`, items[1].ID)
	require.NoError(t, err)
	c, err := s.Clue(t.Context(), clues[0].ID)
	require.NoError(t, err)
	require.Equal(t, []int{1, 1, 0}, []int{c.Sent, c.Pending, c.Dead})

	_, err = s.write.ExecContext(t.Context(), `DELETE FROM clues WHERE id = ?`, clues[0].ID)
	require.NoError(t, err)
	items, err = s.OutboxItems(t.Context(), clues[0].ID)
	require.NoError(t, err)
	require.Empty(t, items, "a clue's outbox rows go with it")
	c, err = s.Clue(t.Context(), clues[1].ID)
	require.NoError(t, err)
	require.Equal(t, []int{0, 3, 0}, []int{c.Sent, c.Pending, c.Dead}, "other clues keep their counts")
}
