package sqlite

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/consolesql"
	"github.com/cluebot/cluebot/store/storetest"
)

// TestConsoleAcrossInstances checks that two processes on one file share
// sessions and login failures, and that both survive a restart.
func TestConsoleAcrossInstances(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cluebot.db")
	a := openTemp(t, path)
	b := openTemp(t, path)
	storetest.WriteShared(t, a)
	storetest.RequireShared(t, b, 2)
	storetest.AddSharedFailure(t, b)
	storetest.RequireShared(t, a, 3)

	require.NoError(t, a.Close())
	require.NoError(t, b.Close())
	storetest.RequireShared(t, openTemp(t, path), 3)
}

// explain returns the plan of query.
func explain(t *testing.T, s *Store, query string, args ...any) []string {
	t.Helper()
	rows, err := s.read.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
	require.NoError(t, err)
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
		plan = append(plan, detail)
	}
	require.NoError(t, rows.Err())
	return plan
}

// TestConsoleQueryPlans checks that the console's queries find rows by
// index, whatever the query: no scan of every clue or outbox row.
func TestConsoleQueryPlans(t *testing.T) {
	s := openTemp(t, filepath.Join(t.TempDir(), "cluebot.db"))
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, lq := range []store.LeadQuery{{Q: "1234"}, {Q: "13800001234"}, {Q: "张三丰"}, {Q: "张"},
		{Q: "张三丰", Route: "r", From: day, To: day.Add(time.Hour)}} {
		q, err := consolesql.Plan(lq)
		require.NoError(t, err)
		page, args := candidatesPage(&q)
		order := fmt.Sprintf(orderSQL, len(args)-1, len(args))
		for query, args := range map[string][]any{page: args, strings.Join(sources(&q), " UNION ALL "): args[:2]} {
			plan := explain(t, s, query, args...)
			for _, line := range plan {
				whole := strings.HasPrefix(line, "SCAN ") && !strings.Contains(line, " INDEX ") &&
					!strings.HasPrefix(line, "SCAN (subquery") && line != "SCAN m" // the page, 50 rows
				require.False(t, whole, "%q: %s", lq.Q, strings.Join(plan, "\n"))
			}
		}
		plan := explain(t, s, selectClueSQL+byDay+` WHERE `+predicate(&q)+order, args...)
		require.Equal(t, []string{"SCAN clues USING INDEX clues_day"}, plan, "%q walks newest first", lq.Q)
	}
	for _, q := range []struct {
		q    store.DeliveryQuery
		want string
	}{
		{store.DeliveryQuery{State: store.OutboxDead}, "SCAN outbox USING INDEX outbox_dead"},
		{store.DeliveryQuery{State: store.OutboxDead, Receiver: "a"}, "SCAN outbox USING INDEX outbox_dead"},
		{store.DeliveryQuery{State: store.OutboxPending}, "SCAN outbox USING INDEX outbox_pending"},
		{store.DeliveryQuery{State: store.OutboxPending, Receiver: "a"}, "SEARCH outbox USING INDEX outbox_claim (receiver=?)"},
	} {
		query, args, err := consolesql.Deliveries(q.q, outboxColumns, func(int) string { return "?" })
		require.NoError(t, err)
		plan := explain(t, s, query, args...)
		require.Equal(t, q.want, plan[0], "%+v", q.q)
	}
}
