// Package storetest is the contract every store.Store backend must pass.
// A backend's test calls Run with a function that opens a fresh, empty store:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, now func() time.Time) store.Store {
//			s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "c.db"),
//				sqlite.Options{Now: now})
//			require.NoError(t, err)
//			return s
//		})
//	}
//
// Beyond the comments on store.Store, the suite pins down:
//   - times round-trip as the same instant to the millisecond, in any
//     location; the zero time stays zero;
//   - FirstSeen is when an id was first stored; LastUpdated is when it was
//     inserted or last had a tracked change, and an untracked change (raw
//     JSON, names, places) refreshes the columns without touching it;
//   - ClueHistory of an id without history is empty, not an error;
//   - a batch with an empty id fails as a whole and stores nothing;
//   - a ClueFilter ByFirstSeen bounds and orders by FirstSeen, not
//     create_time, in IterateClues, IterateRoutingRows, CountClues and
//     CountClueGroups; a later change leaves a clue where it was first seen;
//   - IterateClues returns fn's error unchanged and, once ctx is done, an
//     error wrapping ctx.Err() before the next fn call;
//   - every method called with a cancelled context fails with an error
//     wrapping context.Canceled, and Close may be called twice;
//   - SaveRouting rejects a zero RoutedAt and empty route or receiver names,
//     and an unknown clue id with an error wrapping store.ErrNotFound;
//     Clue and IterateClues read back RoutedAt, Routes, Assignees and the
//     outbox counts;
//   - a row is due when next_at <= now and leased while now < lease end;
//     UnroutedClues and ClaimOutbox return nothing for a limit <= 0;
//   - MarkSent and MarkRetry count an attempt, MarkDead and ReleaseOutbox do
//     not; every mark ends the lease; sent and dead rows are final: marks
//     leave them alone; unknown ids are no error and no ids is a no-op;
//     MarkSent clears last_error: a sent row has no error to show;
//   - OutboxStats counts pending rows whether due or not;
//   - CountClueGroups agrees with GroupClues, the same counts worked out
//     from IterateClues; a quarter hour runs from :00, :15, :30 or :45 to
//     the millisecond before the next;
//   - rules versions get increasing ids, the newest is in force, and a
//     version added after one that is no longer the newest is refused with
//     store.ErrRulesConflict; texts round-trip byte for byte.
package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// Opener opens a new, empty store for one subtest. The store must take now as
// its clock for FirstSeen, LastUpdated and HistoryEntry.ChangedAt. The suite
// closes the store when the subtest ends.
type Opener func(t *testing.T, now func() time.Time) store.Store

// Run runs the contract suite against the stores open returns, one fresh
// store per subtest.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store, clk *clock)
	}{
		{"insert and read back", testInsertReadBack},
		{"upsert is idempotent", testIdempotent},
		{"tracked change writes history", testTrackedChange},
		{"history is oldest first", testHistoryOrder},
		{"untracked change writes no history", testUntrackedChange},
		{"duplicates in one batch", testDuplicates},
		{"large batch", testLargeBatch},
		{"empty id fails the batch", testEmptyID},
		{"iterate order and filters", testIterateFilters},
		{"iterate by first seen", testIterateByFirstSeen},
		{"iterate stops on fn error", testIterateStop},
		{"concurrent upserts", testConcurrentUpserts},
		{"cancelled context", testCancelled},
		{"iterate cancelled midway", testIterateCancelled},
		{"count clue groups", testCountClueGroups},
		{"sync state", testSyncState},
		{"token", testToken},
		{"routing is saved once", testSaveRoutingOnce},
		{"routing rejects unknown clues and bad input", testSaveRoutingRejects},
		{"unrouted clue is flagged", testUnroutedFlagged},
		{"unrouted clues oldest first", testUnroutedClues},
		{"routing read back by clue and iterate", testRoutingReadBack},
		{"rotation sequence", testRotationSequence},
		{"concurrent rotation", testConcurrentRotation},
		{"claim order and limit", testClaimOrder},
		{"claim skips rows not due", testClaimNotDue},
		{"lease expiry and release", testLeaseExpiry},
		{"concurrent claims", testConcurrentClaims},
		{"outbox transitions", testTransitions},
		{"mark by ids", testMarkIDs},
		{"outbox stats", testOutboxStats},
		{"outbox receivers", testOutboxReceivers},
		{"send slots", testSendSlots},
		{"pause receiver", testPauseReceiver},
		{"concurrent send slots", testConcurrentSendSlots},
		{"retention", testRetention},
		{"account claims", testAccountClaims},
		{"concurrent account claims", testConcurrentAccountClaims},
		{"authorizations", testAuthorizations},
		{"authorization advertisers", testAuthAdvertisers},
		{"refresh lease", testRefreshLease},
		{"concurrent refresh claims", testConcurrentRefreshClaims},
		{"oauth states", testOAuthStates},
		{"account names", testAccountNames},
		{"account stats", testAccountStats},
		{"rules versions", testRulesVersions},
		{"concurrent rules versions", testConcurrentRulesVersions},
		{"mark link key", testMarkLinkKey},
		{"write-backs", testWriteBacks},
		{"ping and close twice", testPingClose},
	}
	tests = append(tests, consoleTests()...)
	tests = append(tests, followupTests()...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{t: time.Date(2025, 3, 1, 2, 0, 0, 123e6, time.UTC)}
			s := open(t, clk.Now)
			t.Cleanup(func() { assert.NoError(t, s.Close()) })
			tt.fn(t, s, clk)
		})
	}
}

// clock is a manual clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's current time.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d and returns the new time.
func (c *clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// vendorZone is Beijing time, the zone the vendor's timestamps are in.
var vendorZone = time.FixedZone("UTC+8", 8*3600)

// clueID returns a 22-digit clue id, longer than an int64 can hold.
func clueID(n int) string { return fmt.Sprintf("19745160400853638%05d", n) }

// sampleClue returns a clue with every caller-set field filled in.
func sampleClue(id string, advertiserID int64, created time.Time) store.Clue {
	return store.Clue{
		ID:           id,
		AdvertiserID: advertiserID,
		CreateTime:   created,
		UpdateTime:   created.Add(90 * time.Second),
		IntentionID:  3,
		PhoneStat:    1,
		ScheduleID:   7,
		ClueTag:      2,
		SourceType:   5,
		PageID:       "1974516040085363861",
		PageName:     "春季装修报名页 🏠",
		UserName:     "张三",
		Phone:        "138****0000",
		Province:     "广东省",
		City:         "深圳市",
		Store:        "南山旗舰店",
		Raw:          fmt.Appendf(nil, `{"id":"%s","user_name":"张三","note":"ünïcödé \"quoted\""}`, id),
	}
}

// normalize returns c with every time in UTC and no routes as nil, so that
// clues compare equal whenever their instants and routes are equal.
func normalize(c store.Clue) store.Clue {
	c.CreateTime, c.UpdateTime = c.CreateTime.UTC(), c.UpdateTime.UTC()
	c.FirstSeen, c.LastUpdated, c.RoutedAt = c.FirstSeen.UTC(), c.LastUpdated.UTC(), c.RoutedAt.UTC()
	if len(c.Routes) == 0 {
		c.Routes = nil
	}
	if len(c.Assignees) == 0 {
		c.Assignees = nil
	}
	return c
}

// routingOf returns c's id and its routing and delivery fields, normalized.
func routingOf(c store.Clue) store.Clue {
	c = normalize(c)
	return store.Clue{ID: c.ID, RoutedAt: c.RoutedAt, Routes: c.Routes, Assignees: c.Assignees,
		Sent: c.Sent, Pending: c.Pending, Dead: c.Dead}
}

// requireClue checks that the store holds want under want.ID, with the given
// FirstSeen and LastUpdated.
func requireClue(t *testing.T, s store.Store, want store.Clue, firstSeen, lastUpdated time.Time) {
	t.Helper()
	got, err := s.Clue(t.Context(), want.ID)
	require.NoError(t, err)
	want.FirstSeen, want.LastUpdated = firstSeen, lastUpdated
	require.Equal(t, normalize(want), normalize(got))
}

// upsert stores clues and checks the counts.
func upsert(t *testing.T, s store.Store, want store.UpsertStats, clues ...store.Clue) {
	t.Helper()
	got, err := s.UpsertClues(t.Context(), clues)
	require.NoError(t, err)
	require.Equal(t, want, got)
}

// normalizeHistory returns h with every time in UTC.
func normalizeHistory(h []store.HistoryEntry) []store.HistoryEntry {
	out := make([]store.HistoryEntry, len(h))
	for i, e := range h {
		e.ChangedAt, e.UpdateTime = e.ChangedAt.UTC(), e.UpdateTime.UTC()
		out[i] = e
	}
	return out
}
