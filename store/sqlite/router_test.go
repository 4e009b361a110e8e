package sqlite

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/storetest"
)

// TestRotationAcrossReopen checks that round-robin turns survive a restart.
func TestRotationAcrossReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cluebot.db")
	s, err := Open(t.Context(), path, Options{})
	require.NoError(t, err)
	storetest.RotationSequence(t, s, "henan-hot", 3, 0, 1)
	require.NoError(t, s.Close())

	s = openTemp(t, path)
	storetest.RotationSequence(t, s, "henan-hot", 3, 2, 0, 1)
}

// TestTwoProcesses checks claims and turns when two stores, as two processes
// would, use one file: each has its own write connection, so only SQLite's
// locking keeps them apart.
func TestTwoProcesses(t *testing.T) {
	const rows, workers, limit, turns = 200, 8, 7, 5
	path := filepath.Join(t.TempDir(), "cluebot.db")
	stores := []store.Store{openTemp(t, path), openTemp(t, path)}
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	want := storetest.RouteAll(t, stores[0], rows, now, "a")

	storetest.ConcurrentRotation(t, stores, "busy", workers, turns)
	storetest.ConcurrentClaims(t, stores, "a", now, want, workers, limit)
}

// TestSaveRoutingRejectsSeparator checks that names that would not read back
// as given are refused.
func TestSaveRoutingRejectsSeparator(t *testing.T) {
	s := openTemp(t, filepath.Join(t.TempDir(), "cluebot.db"))
	_, err := s.UpsertClues(t.Context(), []store.Clue{{ID: "1", Raw: []byte(`{}`)}})
	require.NoError(t, err)
	tests := []struct {
		name string
		res  store.RouteResult
	}{
		{"route", store.RouteResult{Route: "a\x1fb", Receivers: []string{"x"}}},
		{"assignee", store.RouteResult{Route: "a", Assignee: "张\x1f三", Receivers: []string{"x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			saved, err := s.SaveRouting(t.Context(), store.Routing{ClueID: "1", RoutedAt: time.Now(),
				Results: []store.RouteResult{tt.res}})
			require.ErrorContains(t, err, "U+001F")
			require.False(t, saved)
		})
	}
}

// storedWindowSQL iterates the clues stored in a window, as a rules replay
// reads them.
var storedWindowSQL, _ = dialect.IterateSQL(selectClueSQL,
	store.ClueFilter{From: time.Unix(1, 0), To: time.Unix(2, 0), ByFirstSeen: true})

// TestQueryPlans checks that the routing and delivery queries use their
// indexes and sort nothing, however many clues and sent rows pile up.
func TestQueryPlans(t *testing.T) {
	s := openTemp(t, filepath.Join(t.TempDir(), "cluebot.db"))
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"unrouted clues", unroutedSQL, []string{"SCAN clues USING INDEX clues_unrouted"}},
		{"claim", claimSQL, []string{"SEARCH outbox USING INDEX outbox_claim (receiver=? AND next_at<?)"}},
		{"receivers", receiversSQL, []string{"SCAN outbox USING INDEX outbox_claim"}},
		{"stats", statsSQL, []string{"SCAN outbox USING COVERING INDEX outbox_pending",
			"SEARCH outbox USING COVERING INDEX outbox_pending", "SCAN outbox USING COVERING INDEX outbox_dead"}},
		{"iterate a day", selectClueSQL + ` WHERE create_time >= ? AND create_time < ? ORDER BY create_time, id`,
			[]string{"SEARCH clues USING INDEX clues_create_time (create_time>? AND create_time<?)"}},
		{"replay the leads stored in a window", storedWindowSQL,
			[]string{"SEARCH clues USING INDEX clues_first_seen (first_seen>? AND first_seen<?)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := s.read.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+tt.query, 1, 2, 3, 4, 5)
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
			for _, w := range tt.want {
				require.Contains(t, plan, w)
			}
			require.NotContains(t, strings.Join(plan, "\n"), "TEMP B-TREE")
		})
	}
}
