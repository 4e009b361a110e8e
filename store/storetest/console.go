package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// consoleTests are the cases of store.Console, run by Run like the others.
func consoleTests() []struct {
	name string
	fn   func(t *testing.T, s store.Store, clk *clock)
} {
	return []struct {
		name string
		fn   func(t *testing.T, s store.Store, clk *clock)
	}{
		{"console sessions", testSessions},
		{"console sessions of removed users", testSessionsExcept},
		{"console login failures", testLoginFailures},
		{"console audit", testAudit},
		{"console marks", testMarks},
		{"console search", testSearch},
		{"console search of a common word", testSearchCommon},
		{"console deliveries", testDeliveries},
		{"console outbox of a page of leads", testOutboxOf},
		{"console retry dead", testRequeueDead},
		{"console retry dead of a receiver", testRequeueDeadOf},
		{"console forget a phone", testForgetPhone},
		{"console overview", testOverview},
		{"console outbox kind", testOutboxKind},
		{"console cancelled context", testConsoleCancelled},
	}
}

// normalizeSession returns s with its times in UTC.
func normalizeSession(s store.Session) store.Session {
	s.CreatedAt, s.ExpiresAt = s.CreatedAt.UTC(), s.ExpiresAt.UTC()
	return s
}

// sampleSession returns a session of user made at at, lasting 12 hours.
func sampleSession(idHash, user string, at time.Time) store.Session {
	return store.Session{IDHash: idHash, User: user, Role: store.RoleAdmin, CSRF: "csrf-" + idHash,
		CreatedAt: at, ExpiresAt: at.Add(12 * time.Hour)}
}

func testSessions(t *testing.T, s store.Store, clk *clock) {
	now := clk.Now()
	want := sampleSession("a1b2", "王经理", now.In(vendorZone))
	want.Role = store.RoleViewer
	require.NoError(t, s.CreateSession(t.Context(), want))
	require.Error(t, s.CreateSession(t.Context(), store.Session{User: "x", ExpiresAt: now}), "no id")

	got, err := s.Session(t.Context(), "a1b2", now)
	require.NoError(t, err)
	require.Equal(t, normalizeSession(want), normalizeSession(got))

	_, err = s.Session(t.Context(), "A1B2", now)
	require.ErrorIs(t, err, store.ErrNotFound, "hashes are compared exactly")
	_, err = s.Session(t.Context(), "a1b2", want.ExpiresAt.Add(-time.Millisecond))
	require.NoError(t, err, "alive until it expires")
	_, err = s.Session(t.Context(), "a1b2", want.ExpiresAt)
	require.ErrorIs(t, err, store.ErrNotFound, "expired")

	require.NoError(t, s.DeleteSession(t.Context(), "a1b2"))
	_, err = s.Session(t.Context(), "a1b2", now)
	require.ErrorIs(t, err, store.ErrNotFound, "deleted")
	require.NoError(t, s.DeleteSession(t.Context(), "a1b2"), "unknown is no error")
}

func testSessionsExcept(t *testing.T, s store.Store, clk *clock) {
	now := clk.Now()
	for _, sess := range []store.Session{sampleSession("1", "admin", now), sampleSession("2", "王经理", now),
		sampleSession("3", "王经理", now), sampleSession("4", "gone", now)} {
		require.NoError(t, s.CreateSession(t.Context(), sess))
	}
	n, err := s.DeleteSessionsExcept(t.Context(), []string{"admin", "nobody"})
	require.NoError(t, err)
	require.Equal(t, 3, n)
	_, err = s.Session(t.Context(), "1", now)
	require.NoError(t, err)
	for _, id := range []string{"2", "3", "4"} {
		_, err = s.Session(t.Context(), id, now)
		require.ErrorIs(t, err, store.ErrNotFound, id)
	}
	n, err = s.DeleteSessionsExcept(t.Context(), nil)
	require.NoError(t, err)
	require.Equal(t, 1, n, "no users left: every session ends")
}

func testLoginFailures(t *testing.T, s store.Store, clk *clock) {
	t0 := clk.Now()
	for _, f := range []struct {
		name string
		at   time.Duration
	}{{"admin", 0}, {"admin", 20 * time.Second}, {"admin", 50 * time.Second}, {"Admin", 30 * time.Second}, {"王经理", 10 * time.Second}} {
		require.NoError(t, s.AddLoginFailure(t.Context(), f.name, t0.Add(f.at)))
	}
	tests := []struct {
		name  string
		user  string
		since time.Time
		want  int
	}{
		{"every failure", "admin", t0, 3},
		{"within the window", "admin", t0.Add(20 * time.Second), 2},
		{"none since", "admin", t0.Add(51 * time.Second), 0},
		{"names differ by case", "Admin", t0, 1},
		{"unicode name", "王经理", t0.Add(-time.Minute), 1},
		{"unknown name", "nobody", t0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := s.LoginFailures(t.Context(), tt.user, tt.since)
			require.NoError(t, err)
			require.Equal(t, tt.want, n)
		})
	}
}

func testAudit(t *testing.T, s store.Store, clk *clock) {
	var want []store.AuditEntry
	for i, e := range []store.AuditEntry{
		{User: "admin", Action: "retry", Target: "42"},
		{User: "admin", Action: "forget", Detail: "2 leads"},
		{User: "王经理", Action: "mark", Target: clueID(1), Detail: "<script>alert(1)</script>"},
	} {
		e.At = clk.Advance(time.Duration(i+1) * time.Second).In(vendorZone)
		require.NoError(t, s.AddAudit(t.Context(), e))
		want = append([]store.AuditEntry{e}, want...)
	}
	got, err := s.Audit(t.Context(), 2, 0)
	require.NoError(t, err)
	more, err := s.Audit(t.Context(), 2, 2)
	require.NoError(t, err)
	got = append(got, more...)
	require.Len(t, got, 3)
	for i := range got {
		require.NotZero(t, got[i].ID)
		if i > 0 {
			require.Less(t, got[i].ID, got[i-1].ID, "newest first")
		}
	}
	for i := range got {
		got[i].ID, got[i].At, want[i].At = 0, got[i].At.UTC(), want[i].At.UTC()
	}
	require.Equal(t, want, got)
}

func testMarks(t *testing.T, s store.Store, clk *clock) {
	upsert(t, s, store.UpsertStats{Inserted: 2}, sampleClue(clueID(1), 1, created), sampleClue(clueID(2), 1, created))
	at := clk.Now()
	require.NoError(t, s.SetMark(t.Context(), store.Mark{ClueID: clueID(1), Status: store.MarkInvalid, By: "王经理", At: at}))
	later := store.Mark{ClueID: clueID(1), Status: store.MarkContacted, By: "admin", At: at.Add(time.Minute)}
	require.NoError(t, s.SetMark(t.Context(), later))
	require.ErrorIs(t, s.SetMark(t.Context(), store.Mark{ClueID: clueID(9), Status: store.MarkInvalid, By: "a", At: at}),
		store.ErrNotFound)
	require.Error(t, s.SetMark(t.Context(), store.Mark{ClueID: clueID(2), Status: "called", By: "a", At: at}),
		"unknown status")

	marks, err := s.Marks(t.Context(), []string{clueID(1), clueID(2), clueID(9)})
	require.NoError(t, err)
	got := marks[clueID(1)]
	got.At = got.At.UTC()
	later.At = later.At.UTC()
	require.Equal(t, map[string]store.Mark{clueID(1): later}, map[string]store.Mark{clueID(1): got},
		"the later mark replaces the earlier")
	require.Len(t, marks, 1, "unmarked clues have no mark")
	marks, err = s.Marks(t.Context(), nil)
	require.NoError(t, err)
	require.Empty(t, marks)
}

// sharedSessionAt is when WriteShared makes its session.
var sharedSessionAt = time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC)

// WriteShared stores a session and two failed sign-ins of "admin" through s.
// Backends check with RequireShared that another instance on the same
// database, or s reopened, sees them.
func WriteShared(t *testing.T, s store.Store) {
	t.Helper()
	require.NoError(t, s.CreateSession(t.Context(), sampleSession("shared", "admin", sharedSessionAt)))
	for i := range 2 {
		require.NoError(t, s.AddLoginFailure(t.Context(), "admin", sharedSessionAt.Add(time.Duration(i)*time.Second)))
	}
}

// RequireShared checks that s sees what WriteShared stored (and failures
// counts more failures added through s), and that the session expires.
func RequireShared(t *testing.T, s store.Store, failures int) {
	t.Helper()
	got, err := s.Session(t.Context(), "shared", sharedSessionAt.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, sampleSession("shared", "admin", sharedSessionAt), normalizeSession(got))
	_, err = s.Session(t.Context(), "shared", sharedSessionAt.Add(12*time.Hour))
	require.ErrorIs(t, err, store.ErrNotFound)
	n, err := s.LoginFailures(t.Context(), "admin", sharedSessionAt.Add(-time.Minute))
	require.NoError(t, err)
	require.Equal(t, failures, n)
}

// AddSharedFailure adds one more failed sign-in of "admin" through s, in the
// window RequireShared counts.
func AddSharedFailure(t *testing.T, s store.Store) {
	t.Helper()
	require.NoError(t, s.AddLoginFailure(t.Context(), "admin", sharedSessionAt.Add(time.Minute)))
}

func testConsoleCancelled(t *testing.T, s store.Store, clk *clock) {
	upsert(t, s, store.UpsertStats{Inserted: 1}, sampleClue(clueID(1), 1, created))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	now := clk.Now()
	tests := []struct {
		name string
		call func() error
	}{
		{"create session", func() error { return s.CreateSession(ctx, sampleSession("1", "a", now)) }},
		{"session", func() error { _, err := s.Session(ctx, "1", now); return err }},
		{"delete session", func() error { return s.DeleteSession(ctx, "1") }},
		{"delete sessions except", func() error { _, err := s.DeleteSessionsExcept(ctx, nil); return err }},
		{"add login failure", func() error { return s.AddLoginFailure(ctx, "a", now) }},
		{"login failures", func() error { _, err := s.LoginFailures(ctx, "a", now); return err }},
		{"add audit", func() error { return s.AddAudit(ctx, store.AuditEntry{At: now, User: "a", Action: "x"}) }},
		{"audit", func() error { _, err := s.Audit(ctx, 10, 0); return err }},
		{"search", func() error { _, _, err := s.SearchClues(ctx, store.LeadQuery{Q: "张三"}); return err }},
		{"deliveries", func() error { _, err := s.Deliveries(ctx, store.DeliveryQuery{}); return err }},
		{"delivery", func() error { _, err := s.Delivery(ctx, 1); return err }},
		{"requeue dead", func() error { return s.RequeueDead(ctx, 1, now) }},
		{"requeue dead of", func() error { _, err := s.RequeueDeadOf(ctx, "a", now); return err }},
		{"set mark", func() error {
			return s.SetMark(ctx, store.Mark{ClueID: clueID(1), Status: store.MarkInvalid, By: "a", At: now})
		}},
		{"marks", func() error { _, err := s.Marks(ctx, []string{clueID(1)}); return err }},
		{"forget phone", func() error { _, err := s.ForgetPhone(ctx, "138"); return err }},
		{"overview", func() error { _, err := s.Overview(ctx, now, now); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.call(), context.Canceled)
		})
	}
}
